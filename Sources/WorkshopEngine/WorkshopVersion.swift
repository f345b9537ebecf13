/// The engine's version, recorded in journals and completion records.
public enum WorkshopVersion {
  public static let current = "0.1.0"
}
