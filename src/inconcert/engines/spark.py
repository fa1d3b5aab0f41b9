"""Apache Spark as the engine: the same steps, transpiled to Spark SQL, on a local session
or a cluster.

Data flow for one run: the input tables leave the workspace as Parquet in a staging
folder; Spark reads them and runs every step, writing each step's result to the staging
folder as Parquet (later steps read it from there); DuckDB reads the output steps'
Parquet into temporary tables of the workspace. Only the reduced results (edges per kind,
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
import sys
import uuid
import warnings
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
    # pyspark checks pandas before any Arrow UDF (mapInArrow, which ingest uses) and warns
    # that pandas 3 is not fully supported; those UDFs hand Arrow batches over without
    # pandas, so the warning would only alarm users.
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
    from pyspark.sql import SparkSession

    master = master or os.environ.get(MASTER_VARIABLE)
    if master is None and not _launched_by_spark_submit():
        master = DEFAULT_MASTER
    builder = SparkSession.builder
    if master is not None:  # under spark-submit its --master holds unless one is given here
        builder = builder.master(master)
    builder = (
        builder.appName(app_name)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", os.environ.get(DRIVER_MEMORY_VARIABLE, "2g"))
    )
    partitions = shuffle_partitions or os.environ.get(SHUFFLE_PARTITIONS_VARIABLE)
    if (master or "").startswith("local"):
        # One machine: no web UI, no progress bars on the terminal, and a few shuffle
        # partitions per core rather than Spark's cluster-sized 200.
        builder = builder.config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
        # Python tasks (ingest's record parsing) need inconcert: this interpreter has it.
        # pyspark takes the workers' interpreter from the environment when it starts.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        partitions = partitions or 4 * (os.cpu_count() or 1)
    if partitions:
        builder = builder.config("spark.sql.shuffle.partitions", str(partitions))
    try:
        session = builder.getOrCreate()
    except Exception as error:  # the JVM did not start: a setup problem, not a bug
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise UserError(f"--engine spark: could not start Spark at master {master or 'from spark-submit'} ({first_line}).") from None
    session.sparkContext.setLogLevel("ERROR")
    return session


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
        try:
            for table in inputs:
                self._upload(con, table, f"{run_folder}/input/{table}")
            self.execute(steps, outputs, run_folder)
            for name in outputs:
                self.download(con, name, f"{run_folder}/{name}")
        finally:
            for view in [*inputs, *(step.name for step in steps)]:
                self.session.catalog.dropTempView(view)
            self.delete(run_folder)

    def execute(self, steps: list[Step], outputs: list[str], folder: str) -> None:
        """Run the steps on Spark; each output is written as Parquet to `folder/<name>`.

        Every materialised step is written out and read back rather than cached: later
        steps reuse earlier ones, and a plan that starts from files stays short to
        optimise however many steps came before (measured: half the time of caching on
        the generated scenario). Intermediate steps go to `folder/_steps` and are deleted
        at the end."""
        intermediate = f"{folder}/_steps"
        try:
            for step in steps:
                frame = self.session.sql(to_spark(step.sql))
                if step.materialise or step.name in outputs:
                    uri = f"{folder}/{step.name}" if step.name in outputs else f"{intermediate}/{step.name}"
                    frame.write.mode("overwrite").parquet(uri)
                    frame = self.session.read.parquet(uri)
                frame.createOrReplaceTempView(step.name)
        finally:
            self.delete(intermediate)

    def delete(self, uri: str) -> None:
        local = _local_path(uri)
        if local is not None:
            shutil.rmtree(local, ignore_errors=True)
            return
        jvm = self.session.sparkContext._jvm
        path = jvm.org.apache.hadoop.fs.Path(uri)
        path.getFileSystem(self.session.sparkContext._jsc.hadoopConfiguration()).delete(path, True)

    def close(self) -> None:
        if self.owns_session:
            self.session.stop()

    def _upload(self, con: duckdb.DuckDBPyConnection, table: str, uri: str) -> None:
        local = _local_path(uri)
        if local is not None:
            local.mkdir(parents=True, exist_ok=True)
            # A SELECT, not the bare name: an input may be an Arrow table registered on `con`.
            con.execute(f"COPY (SELECT * FROM {table}) TO '{_sql_string(str(local / 'part-0.parquet'))}' (FORMAT parquet)")
            frame = self.session.read.parquet(local.as_uri())
        else:
            self.session.createDataFrame(con.execute(f"SELECT * FROM {table}").arrow()).write.mode("overwrite").parquet(uri)
            frame = self.session.read.parquet(uri)
        frame.createOrReplaceTempView(table)

    def download(self, con: duckdb.DuckDBPyConnection, name: str, uri: str) -> None:
        """Bring the Parquet that Spark wrote at `uri` into a temporary table `name`."""
        local = _local_path(uri)
        if local is not None and any(local.glob("*.parquet")):
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE {name} AS "
                f"SELECT * FROM read_parquet('{_sql_string(str(local))}/*.parquet')"
            )
            return
        # A remote folder (or an empty result with no part file) comes through the driver.
        con.register("_spark_result", to_arrow(self.session.read.parquet(uri)))
        try:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM _spark_result")
        finally:
            con.unregister("_spark_result")


def _launched_by_spark_submit() -> bool:
    """spark-submit starts the JVM first and hands Python its gateway port."""
    return "PYSPARK_GATEWAY_PORT" in os.environ


def to_arrow(frame):
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
