import WorkshopEngine
print("workshop-bench")
