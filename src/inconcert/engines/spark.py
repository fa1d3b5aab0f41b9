"""Apache Spark as the engine: the same steps, transpiled to Spark SQL, on a local session
or a cluster.

Data flow for one run: the input tables leave the workspace as Parquet in a staging
folder; Spark reads them, runs every step (each cached, since later steps reuse earlier
ones), and writes the output steps back to the staging folder as Parquet; DuckDB reads
those into temporary tables of the workspace. Only the reduced results (edges per kind,
evidence pairs, viral objects) come back; the pairing itself never touches the driver.

Settings (environment variables; the CLI's `--spark-master` overrides the first):

- INCONCERT_SPARK_MASTER: master URL, `local[*]` by default (`local[4]`, `yarn`,
  `spark://host:7077`, `k8s://https://host:443`). When a Spark session is already active
  in the process (spark-submit, a notebook) and no master is given, that session is used.
- INCONCERT_SPARK_STAGING: folder for the Parquet exchange, on any Hadoop-compatible path
  (`file:///...`, `hdfs://...`, `s3a://...`, `abfss://...`); by default the workspace's
  `.tmp/spark`. With a non-local folder, inputs are uploaded and results fetched through
  the driver in Arrow form.
- INCONCERT_SPARK_DRIVER_MEMORY: driver memory of a session started here (default 2g;
  in local mode the driver is the whole engine).
- INCONCERT_SPARK_SHUFFLE_PARTITIONS: `spark.sql.shuffle.partitions` of a session
  started here (Spark's default, 200, otherwise; adaptive execution coalesces them).
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path
from urllib.parse import urlparse

import duckdb

from inconcert.engines import SPARK, Step
from inconcert.engines.dialect import to_spark
from inconcert.errors import UserError

MASTER_VARIABLE = "INCONCERT_SPARK_MASTER"
STAGING_VARIABLE = "INCONCERT_SPARK_STAGING"
DRIVER_MEMORY_VARIABLE = "INCONCERT_SPARK_DRIVER_MEMORY"
SHUFFLE_PARTITIONS_VARIABLE = "INCONCERT_SPARK_SHUFFLE_PARTITIONS"
DEFAULT_MASTER = "local[*]"
INSTALL_HINT = "install it with `pip install 'inconcert[spark]'`"


def require_pyspark() -> None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise UserError(f"--engine spark: pyspark is not installed; {INSTALL_HINT}.") from None


def require_java() -> None:
    """pyspark starts a JVM: from JAVA_HOME when set, else `java` on PATH."""
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        if not (Path(java_home) / "bin" / "java").exists():
            raise UserError(f"JAVA_HOME={java_home}: no bin/java there; point it to a Java 17 or newer installation.")
        return
    if shutil.which("java") is None:
        raise UserError("--engine spark: Java is not installed; install Java 17 or newer, or set JAVA_HOME.")


def build_session(master: str | None = None, app_name: str = "inconcert", shuffle_partitions: int | None = None):
    """A Spark session for inconcert: UTC session time zone, no web UI in local mode."""
    require_pyspark()
    require_java()
    from pyspark.sql import SparkSession

    master = master or os.environ.get(MASTER_VARIABLE) or DEFAULT_MASTER
    builder = (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", os.environ.get(DRIVER_MEMORY_VARIABLE, "2g"))
    )
    if master.startswith("local"):
        builder = builder.config("spark.ui.enabled", "false")
    partitions = shuffle_partitions or os.environ.get(SHUFFLE_PARTITIONS_VARIABLE)
    if partitions:
        builder = builder.config("spark.sql.shuffle.partitions", str(partitions))
    try:
        return builder.getOrCreate()
    except Exception as error:  # the JVM did not start: a setup problem, not a bug
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise UserError(f"--engine spark: could not start Spark at master {master} ({first_line}).") from None


class SparkEngine:
    name = SPARK

    def __init__(self, session, staging: str, owns_session: bool = False):
        self.session = session
        self.staging = staging.rstrip("/")
        self.owns_session = owns_session

    @classmethod
    def from_settings(cls, workspace_path=None, master: str | None = None) -> "SparkEngine":
        require_pyspark()
        from pyspark.sql import SparkSession

        active = SparkSession.getActiveSession()
        if active is not None and master is None and not os.environ.get(MASTER_VARIABLE):
            session, owns = active, False
        else:
            session, owns = build_session(master), True
        staging = os.environ.get(STAGING_VARIABLE)
        if not staging:
            base = Path(workspace_path) / ".tmp" if workspace_path is not None else Path.cwd() / ".inconcert-spark"
            staging = str((base / "spark").resolve())
        return cls(session, staging, owns_session=owns)

    def run(self, con: duckdb.DuckDBPyConnection, inputs: list[str], steps: list[Step], outputs: list[str]) -> None:
        run_folder = f"{self.staging}/run-{uuid.uuid4().hex}"
        views: list[str] = []
        try:
            for table in inputs:
                self._upload(con, table, f"{run_folder}/input/{table}")
                views.append(table)
            for step in steps:
                self.session.sql(to_spark(step.sql)).createOrReplaceTempView(step.name)
                # Later steps read earlier ones more than once (the pre-filtered shares
                # feed the viral-object count, the pairing and the participation filter).
                if step.materialise:
                    self.session.catalog.cacheTable(step.name)
                views.append(step.name)
            for name in outputs:
                self._download(con, name, f"{run_folder}/output/{name}")
        finally:
            for view in views:
                if self.session.catalog.isCached(view):
                    self.session.catalog.uncacheTable(view)
                self.session.catalog.dropTempView(view)
            local = _local_path(run_folder)
            if local is not None:
                shutil.rmtree(local, ignore_errors=True)

    def close(self) -> None:
        if self.owns_session:
            self.session.stop()

    def _upload(self, con: duckdb.DuckDBPyConnection, table: str, uri: str) -> None:
        local = _local_path(uri)
        if local is not None:
            local.mkdir(parents=True, exist_ok=True)
            con.execute(f"COPY {table} TO '{_sql_string(str(local / 'part-0.parquet'))}' (FORMAT parquet)")
            frame = self.session.read.parquet(local.as_uri())
        else:
            self.session.createDataFrame(con.execute(f"SELECT * FROM {table}").arrow()).write.mode("overwrite").parquet(uri)
            frame = self.session.read.parquet(uri)
        frame.createOrReplaceTempView(table)

    def _download(self, con: duckdb.DuckDBPyConnection, name: str, uri: str) -> None:
        frame = self.session.table(name)
        local = _local_path(uri)
        if local is not None:
            frame.write.mode("overwrite").parquet(local.as_uri())
            if any(local.glob("*.parquet")):
                con.execute(
                    f"CREATE OR REPLACE TEMP TABLE {name} AS "
                    f"SELECT * FROM read_parquet('{_sql_string(str(local))}/*.parquet')"
                )
                return
        else:
            frame.write.mode("overwrite").parquet(uri)
            frame = self.session.read.parquet(uri)
        # A remote folder (or an empty result with no part file) comes through the driver.
        con.register("_spark_result", _arrow(frame))
        try:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM _spark_result")
        finally:
            con.unregister("_spark_result")


def _arrow(frame):
    if hasattr(frame, "toArrow"):  # pyspark 4
        return frame.toArrow()
    import pyarrow as pa

    return pa.Table.from_pandas(frame.toPandas(), preserve_index=False)


def _local_path(uri: str) -> Path | None:
    """The local folder behind `uri` (a plain path or file://), or None for a remote one."""
    parsed = urlparse(uri)
    if parsed.scheme in ("", "file"):
        return Path(parsed.path if parsed.scheme else uri)
    return None


def _sql_string(value: str) -> str:
    return value.replace("'", "''")
