#!/usr/bin/env python3
"""DuckDB's CSV reader doing the projection of manifest.yaml (run inside Benchmarks/.venv):
drop the officer's name and both notes columns, month of the report date.

    duckdb_baseline.py EXPORT.csv OUT.csv

DuckDB uses every core it finds; PATHLINK_BENCH_DUCKDB_THREADS overrides."""
import os, sys
import duckdb

def main(src, dst):
    con = duckdb.connect()
    threads = os.environ.get("PATHLINK_BENCH_DUCKDB_THREADS")
    if threads:
        con.execute(f"SET threads={int(threads)}")
    con.execute(f"""
    COPY (
      SELECT crimeref, victim_forename, victim_surname, victim_dob, victim_postcode,
             strftime(strptime(date_reported, '%d/%m/%Y'), '%Y-%m') AS date_reported, outcome_code
      FROM read_csv('{src}', all_varchar=true, header=true, quote='"', escape='"', max_line_size=16777216)
    ) TO '{dst}' (HEADER, DELIMITER ',')
    """)

if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
