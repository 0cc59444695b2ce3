#!/usr/bin/env python3
"""DuckDB baselines for Benchmarks/run (run inside the suite's virtual environment).

    duckdb_baseline.py extract EXPORT.csv OUT.csv
        The projection of Benchmarks/extract/manifest.yaml: consent filter, adults only,
        drop direct and free-text columns, month of the report date, age band.
    duckdb_baseline.py link FOLDER
        The exact joins of Benchmarks/link/baseline.py on the two token files: pairs by
        crime reference, then MK1, MK2, MK4 in turn joining not-yet-linked records on tokens
        unique on both sides. No re-keying, research ids or output files.

DuckDB uses every core it finds (2 here); PATHLINK_BENCH_DUCKDB_THREADS overrides.
"""
import os, sys
import duckdb

def connect():
    con = duckdb.connect()
    threads = os.environ.get("PATHLINK_BENCH_DUCKDB_THREADS")
    if threads:
        con.execute(f"SET threads={int(threads)}")
    return con

def extract(src, dst):
    con = connect()
    con.execute(f"""
    COPY (
      WITH t AS (
        SELECT *, try_strptime(victim_dob, '%d/%m/%Y')::DATE AS b, try_strptime(date_reported, '%d/%m/%Y')::DATE AS r
        FROM read_csv('{src}', all_varchar=true, header=true, quote='"', escape='"', max_line_size=16777216)
      ), a AS (
        SELECT *, year(r) - year(b) - CASE WHEN month(r) * 100 + day(r) < month(b) * 100 + day(b) THEN 1 ELSE 0 END AS age FROM t
      )
      SELECT crimeref, victim_forename, victim_surname, victim_dob, victim_postcode, consent_to_share,
             strftime(r, '%Y-%m') AS date_reported, outcome_code,
             CASE WHEN age < 18 THEN 'Under 18' WHEN age < 25 THEN '18-24' WHEN age < 35 THEN '25-34'
                  WHEN age < 45 THEN '35-44' WHEN age < 55 THEN '45-54' WHEN age < 65 THEN '55-64'
                  WHEN age < 75 THEN '65-74' ELSE '75+' END AS age_band
      FROM a WHERE consent_to_share = 'Yes' AND age >= 18
    ) TO '{dst}' (HEADER, DELIMITER ',')
    """)

def link(folder):
    con = connect()
    for name, table in [("support-service.cases", "s"), ("police.crimes", "p")]:
        con.execute(f"""CREATE TABLE {table} AS SELECT row_number() OVER () AS rid, crimeref, MK1, MK2, MK4, CK1
                        FROM read_csv('{folder}/{name}.tokens.csv', all_varchar=true, header=true)""")
    pairs = con.execute("SELECT count(*) FROM s JOIN p USING (crimeref) WHERE s.crimeref IS NOT NULL").fetchone()[0]
    con.execute("CREATE TABLE linked_s (rid BIGINT)")
    con.execute("CREATE TABLE linked_p (rid BIGINT)")
    links = 0
    for key in ["MK1", "MK2", "MK4"]:
        con.execute(f"""
        CREATE OR REPLACE TABLE step AS
        WITH l AS (SELECT {key} AS k, min(rid) AS rid FROM s WHERE {key} IS NOT NULL AND rid NOT IN (SELECT rid FROM linked_s)
                   GROUP BY {key} HAVING count(*) = 1),
             r AS (SELECT {key} AS k, min(rid) AS rid FROM p WHERE {key} IS NOT NULL AND rid NOT IN (SELECT rid FROM linked_p)
                   GROUP BY {key} HAVING count(*) = 1)
        SELECT l.rid AS srid, r.rid AS prid FROM l JOIN r USING (k)""")
        links += con.execute("SELECT count(*) FROM step").fetchone()[0]
        con.execute("INSERT INTO linked_s SELECT srid FROM step")
        con.execute("INSERT INTO linked_p SELECT prid FROM step")
    print(f"baseline-duckdb: {pairs} reference pairs, {links} unique match-key links", file=sys.stderr)

if __name__ == "__main__":
    if sys.argv[1] == "extract":
        extract(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "link":
        link(sys.argv[2])
    else:
        raise SystemExit("usage: duckdb_baseline.py extract SRC DST | link FOLDER")
