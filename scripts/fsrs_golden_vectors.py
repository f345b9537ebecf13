"""Writes FSRS-6 golden vectors from py-fsrs (run through scripts/fsrs-golden-vectors).

Each history is one card reviewed with random ratings after irregular gaps: seconds and minutes
(same-day reviews, learning steps), hours, exactly at the due time, days, and long absences.
Times are whole milliseconds, as the workshop journal stores them.
"""

import json
from importlib.metadata import version
import random
import sys
from datetime import datetime, timedelta, timezone

from fsrs import Card, Rating, Scheduler

SEED = 20261130
HISTORIES = 300


def millis(moment: datetime) -> int:
    return int((moment - datetime(1970, 1, 1, tzinfo=timezone.utc)) / timedelta(milliseconds=1))


def next_gap(rng: random.Random, card: Card, now: datetime) -> timedelta:
    kind = rng.random()
    if kind < 0.15:
        return timedelta(milliseconds=rng.randint(1_000, 20 * 60_000))
    if kind < 0.30:
        return timedelta(milliseconds=rng.randint(20 * 60_000, 23 * 3_600_000))
    if kind < 0.50:
        return max(card.due - now, timedelta(0))
    if kind < 0.85:
        return timedelta(milliseconds=rng.randint(86_400_000, 40 * 86_400_000))
    return timedelta(milliseconds=rng.randint(40 * 86_400_000, 900 * 86_400_000))


def next_rating(rng: random.Random) -> Rating:
    return rng.choices(
        [Rating.Again, Rating.Hard, Rating.Good, Rating.Easy], weights=[25, 20, 45, 10]
    )[0]


def main() -> None:
    rng = random.Random(SEED)
    scheduler = Scheduler(enable_fuzzing=False)
    histories = []
    for index in range(HISTORIES):
        start = datetime(2024, 1, 1, tzinfo=timezone.utc) + timedelta(
            milliseconds=rng.randint(0, 700 * 86_400_000)
        )
        card = Card(card_id=index + 1, due=start)
        now = start
        reviews = []
        for _ in range(rng.randint(1, 18)):
            if reviews:
                now = now + next_gap(rng, card, now)
            rating = next_rating(rng)
            retrievability = scheduler.get_card_retrievability(card, now)
            card, _ = scheduler.review_card(card, rating, now)
            reviews.append(
                {
                    "at": millis(now),
                    "rating": int(rating),
                    "retrievabilityBefore": retrievability,
                    "state": int(card.state),
                    "step": card.step,
                    "stability": card.stability,
                    "difficulty": card.difficulty,
                    "due": millis(card.due),
                }
            )
        histories.append({"start": millis(start), "reviews": reviews})
    document = {
        "generator": f"py-fsrs {version('fsrs')}",
        "scheduler": scheduler.to_dict(),
        "seed": SEED,
        "histories": histories,
    }
    with open(sys.argv[1], "w", encoding="utf-8") as out:
        json.dump(document, out, indent=None, separators=(",", ":"))
        out.write("\n")


if __name__ == "__main__":
    main()
