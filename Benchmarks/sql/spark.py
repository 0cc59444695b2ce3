#!/usr/bin/env python3
"""Run a `pathlink link --emit-sql spark` script on local Spark (pyspark from PyPI).

    spark.py FOLDER [SCRIPT]     (SCRIPT defaults to FOLDER/link.sql)

Runs from FOLDER, as the script expects, one statement at a time in order (statements end
with a semicolon at the end of a line; lines starting with `--` are comments and skipped), then turns each
per-dataset output folder Spark writes (`<dataset>/part-*.csv`, one part file) into
`<dataset>.csv` beside it, as `link` names its tables. Spark runs in local mode on every
core (PATHLINK_SPARK_MASTER overrides, e.g. local[2]); the driver's memory is
PATHLINK_SPARK_MEMORY (default 4g). The script's working tables go to FOLDER/spark-warehouse,
which is emptied first (a failed run leaves its tables there) and removed at the end. Prints
the seconds spent in the statements; progress on stderr.
"""
import glob, os, shutil, sys, time
from pyspark.sql import SparkSession

def statements(text):
    current = []
    for line in text.splitlines():
        if line.lstrip().startswith("--") or (not current and not line.strip()):
            continue   # comment lines (one may end with a semicolon) and blank lines between statements
        current.append(line)
        if line.rstrip().endswith(";"):
            yield "\n".join(current).rstrip().rstrip(";")
            current = []
    if "".join(current).strip():
        yield "\n".join(current)

def main():
    folder = os.path.abspath(sys.argv[1])
    script = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else os.path.join(folder, "link.sql")
    os.chdir(folder)
    warehouse = os.path.join(folder, "spark-warehouse")
    shutil.rmtree(warehouse, ignore_errors=True)
    spark = (SparkSession.builder.master(os.environ.get("PATHLINK_SPARK_MASTER", "local[*]"))
             .appName("pathlink-link-sql")
             .config("spark.driver.memory", os.environ.get("PATHLINK_SPARK_MEMORY", "4g"))
             .config("spark.sql.shuffle.partitions", os.environ.get("PATHLINK_SPARK_PARTITIONS", "8"))
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.sql.warehouse.dir", warehouse)
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    started = time.time()
    todo = list(statements(open(script, encoding="utf-8").read()))
    for number, statement in enumerate(todo, 1):
        spark.sql(statement).collect()
        if number % 50 == 0 or number == len(todo):
            print(f"[{time.time() - started:7.1f} s] {number}/{len(todo)} statements", file=sys.stderr, flush=True)
    seconds = time.time() - started
    spark.stop()
    shutil.rmtree(warehouse, ignore_errors=True)
    for success in glob.glob(os.path.join(folder, "*", "_SUCCESS")):
        directory = os.path.dirname(success)
        parts = sorted(glob.glob(os.path.join(directory, "part-*")))
        if len(parts) != 1:
            raise SystemExit(f"{directory}: expected one part file, found {len(parts)}")
        shutil.move(parts[0], directory + ".csv")
        shutil.rmtree(directory)
    print(f"spark_sql_seconds={seconds:.1f}")

if __name__ == "__main__":
    main()
