#!/usr/bin/env python3
"""Write a messy police-style raw export of at least SIZE_MB megabytes (deterministic),
or of exactly ROWS records when ROWS is given (then SIZE_MB is ignored).

    generate.py PATH SIZE_MB [ROWS]

Free text with commas, quotes and line breaks dominates the bytes, as in real exports.
"""
import random, sys

def main(path, size_mb, rows=None):
    rng = random.Random(20261122)
    words = ("the victim said that she was followed home after work and he "
             "returned later, shouting \"open the door\" several times; neighbours "
             "called police at 23:40 and officers attended").split()
    forenames = ["Jane", "Zoë", "Mary-Ann", "O'Neill", "Łucja", "Amira", "Kate", "Sarah", "Emily", "Chloe"]
    surnames = ["Smith", "Jones", "O'Brien", "Smith-Jones", "Nowak", "Khan", "Patel", "Taylor", "Brown", "Wilson"]
    outcomes = ["1", "14", "15", "16", "18"]
    target = size_mb * 1_000_000
    written = 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        header = "crimeref,victim_forename,victim_surname,victim_dob,victim_postcode,oic_name,mo_notes,consent_to_share,date_reported,outcome_code\r\n"
        out.write(header)
        written += len(header)
        row = 0
        block = []
        while (row < rows) if rows is not None else (written < target):
            row += 1
            notes = " ".join(rng.choice(words) for _ in range(rng.randint(8, 40)))
            if rng.random() < 0.2:
                notes += "\nFurther: " + notes[:40]
            notes = '"' + notes.replace('"', '""') + '"'
            line = "42/%06d/%02d,%s,%s,%02d/%02d/%04d,SS%d %d%s,PC %s,%s,%s,%02d/%02d/%04d,%s\r\n" % (
                row % 1000000, rng.randint(15, 24), rng.choice(forenames), rng.choice(surnames),
                rng.randint(1, 28), rng.randint(1, 12), rng.randint(1950, 2004),
                rng.randint(1, 17), rng.randint(1, 9), rng.choice(["AA", "BQ", "XZ"]),
                rng.choice(surnames), notes, "Yes" if rng.random() < 0.9 else "No",
                rng.randint(1, 28), rng.randint(1, 12), rng.randint(2015, 2024), rng.choice(outcomes))
            block.append(line)
            written += len(line.encode("utf-8"))
            if len(block) >= 10000:
                out.write("".join(block))
                block = []
        out.write("".join(block))

if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else None)
