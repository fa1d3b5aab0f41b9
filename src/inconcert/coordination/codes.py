"""Integer codes for the ids a coordination run compares.

Pairing, edge counting and the significance test compare and group ids tens of millions
of times. On the ids as given (archive ids are 36-character hashes, URLs are longer)
those comparisons, and the memory to hold the strings, are most of the cost. So each
object, account and content id is replaced by a 63-bit code for the whole run, and the
names are joined back only onto the reduced results (edges, evidence, viral objects).

A code is a hash of the id rather than a position in a dictionary: computing it needs no
join, and the same id gets the same code in every table and on every engine (the codes
are computed here, on DuckDB, before any engine sees the shares). Exactness is checked,
not assumed: before a run uses the codes, each of the three columns must have exactly as
many distinct codes as distinct ids; if two ids ever shared a code (about N²/2⁶⁴ — one
chance in 10⁵ at 36 million ids) the next salt gives a fresh hash function.
"""

from __future__ import annotations

from dataclasses import dataclass

from inconcert.errors import UserError

# Ids are coded per column; objects together with their kind, since the same string
# (a URL and its domain, a hashtag and a mention) is a different object in each layer.
CODED_COLUMNS = {"object_id": "kind, object_id", "account_id": "account_id", "content_id": "content_id"}
MAX_SALTS = 8
# Per column, the distinct (code, id) pairs of the run's shares (objects with their kind).
CODE_TABLES = {"object_id": "object_codes", "account_id": "account_codes", "content_id": "content_codes"}


@dataclass(frozen=True)
class IdCodes:
    salt: int

    def code(self, columns: str) -> str:
        """SQL for the code of `columns` (a BIGINT: the hash shifted into the signed range
        so that Spark, which has no unsigned type, carries it unchanged)."""
        return f"CAST(hash({columns}, {self.salt}) >> 1 AS BIGINT)"

    def coded_shares_sql(self, rows: str) -> str:
        """`rows` (kind, object_id, account_id, content_id, t) with the three ids coded and
        `own_object` added; the columns keep their names, so the pairing and edge SQL read
        either form."""
        coded = ", ".join(f"{self.code(source)} AS {name}" for name, source in CODED_COLUMNS.items())
        # Whether the content is the object itself (a retweet row of the original tweet)
        # must be decided on the ids as given: their codes come from different inputs.
        return f"SELECT kind, {coded}, t, object_id = content_id AS own_object FROM {rows}"

    def create_name_tables(self, con, wanted: dict[str, str]) -> None:
        """Temporary tables `account_names` (code, name, name_rank), `object_names` (code,
        kind, name) and `content_names` (code, name) for the codes that the queries in `wanted` (keyed
        by column, one column of codes each) return, taken from the code tables that
        `choose_codes` left (no second pass over the shares)."""
        for name, table in (("account_id", "account_names"), ("object_id", "object_names"), ("content_id", "content_names")):
            # Accounts also get their place in name order: results are oriented and
            # sorted by account name, and comparing ranks is cheaper than comparing names.
            rank = ", row_number() OVER (ORDER BY name) AS name_rank" if name == "account_id" else ""
            con.execute(f"""
                CREATE OR REPLACE TEMP TABLE {table} AS
                SELECT *{rank} FROM {CODE_TABLES[name]} WHERE code IN ({wanted[name]})
            """)

    @staticmethod
    def drop_code_tables(con) -> None:
        for table in CODE_TABLES.values():
            con.execute(f"DROP TABLE IF EXISTS {table}")


def choose_codes(con, rows: str) -> IdCodes:
    """The first salt under which no two distinct ids of `rows` share a code. Leaves each
    column's distinct (code, id) pairs as a temporary table (CODE_TABLES): the check
    needs them anyway, and naming the results later reads them instead of the shares."""
    for salt in range(MAX_SALTS):
        codes = IdCodes(salt)
        collided = False
        for name, source in CODED_COLUMNS.items():
            named = "kind, object_id AS name" if name == "object_id" else f"{name} AS name"
            # A table of distinct pairs then a GROUP BY rather than count(DISTINCT …):
            # both spill to disk when tens of millions of distinct ids do not fit in memory.
            con.execute(f"""
                CREATE OR REPLACE TEMP TABLE {CODE_TABLES[name]} AS
                SELECT DISTINCT {codes.code(source)} AS code, {named} FROM {rows}
            """)
            if con.execute(f"""
                SELECT count(*) FROM (SELECT code FROM {CODE_TABLES[name]} GROUP BY code HAVING count(*) > 1)
            """).fetchone()[0]:
                collided = True
                break
        if not collided:
            return codes
    IdCodes.drop_code_tables(con)
    # Eight independent 63-bit hash functions all colliding is not chance: the input is
    # built to collide (DuckDB's hash is not cryptographic). Say so rather than be wrong.
    raise UserError(
        "the workspace's ids collide under every id code tried; this happens only with ids "
        "crafted to collide, and coordination cannot run on them exactly."
    )
