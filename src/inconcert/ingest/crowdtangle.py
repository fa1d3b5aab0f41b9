"""`crowdtangle`: CrowdTangle CSV exports of Facebook pages/groups and Instagram accounts.

CrowdTangle (shut down in August 2024) exported one row per post with the page's or
account's profile as of posting. Facebook files carry `Facebook Id`, `Page Name` (or
`Group Name`), `Message`, `Link`, `Final Link`; Instagram files carry `Account`, `User
Name`, `Description` (the caption; an IGTV post without one has its `Title`), `Photo`.
Which platform a file holds is decided from its header.

Quirks:
- There is no post id column. The post's `URL` is its id, as CrowdTangle itself and
  4CAT's importer treat it.
- `Post Created` is local time with a zone abbreviation ("2021-03-01 13:45:10 EST"),
  in whatever zone the exporting dashboard was set to. The common abbreviations are
  mapped to fixed offsets; a time with an abbreviation not in the table, or none,
  sends the row to quarantine rather than guess hours wrong. `Page Created` has no
  zone and is taken as UTC.
- Links are `Link` and `Final Link` (the expanded link, CooRnet's co-link unit) and any
  URL in the post text; a link that is the post's own URL is not a shared object.
- `Photo` is a CDN address that expires, not a content identifier, so no image
  objects are derived from it.
- Nothing says whether a Facebook post re-shares another post: every row is a post, and
  a shared facebook.com post shows up as its link.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from inconcert.ingest import fields
from inconcert.ingest.shares import SharedPost
from inconcert.ingest.sources import csv_records
from inconcert.ingest.staging import Row, Staging
from inconcert.normalize import hashtags_in, urls_in
from inconcert.store.schema import Account, Post

REQUIRED = ("URL", "Post Created", "User Name")
# Offsets in hours of the abbreviations CrowdTangle printed. Ambiguous ones (IST, BST)
# are left out on purpose; CST is US Central, as in CrowdTangle's US-centred zone list.
ZONE_OFFSETS: dict[str, float] = {
    "UTC": 0, "GMT": 0, "Z": 0,
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "AKST": -9, "AKDT": -8, "HST": -10,
    "WET": 0, "WEST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3, "MSK": 3,
    "JST": 9, "KST": 9, "HKT": 8, "SGT": 8, "AEST": 10, "AEDT": 11, "NZST": 12, "NZDT": 13,
}
_NUMERIC_OFFSET = re.compile(r"[+-]\d{2}:?\d{2}")


def read(path: Path, staging: Staging, on_bytes=None) -> None:
    staging.each(csv_records(path, REQUIRED, on_bytes, format_name="CrowdTangle"), parse_row)


def parse_row(row: dict[str, str]) -> list[Row]:
    if "Facebook Id" in row:
        return facebook_rows(row)
    if "Account" in row:
        return instagram_rows(row)
    raise fields.BadRecord("neither a Facebook ('Facebook Id') nor an Instagram ('Account') export row")


def facebook_rows(row: dict[str, str]) -> list[Row]:
    """A page or group post: the page's profile at posting time, and the post."""
    page_id = fields.required_text(row, "Facebook Id").strip()
    message = fields.text(row.get("Message"))
    post = _post("facebook", row, page_id, message)
    page = Account(
        platform="facebook",
        account_id=page_id,
        handle=fields.text(row.get("User Name")),
        display_name=fields.text(row.get("Page Name")) or fields.text(row.get("Group Name")),
        created_at=fields.optional(fields.iso_time, row.get("Page Created")),
        followers=_page_followers(row),
        description=fields.text(row.get("Page Description")),
        location=fields.text(row.get("Page Admin Top Country")),
    )
    links = [row.get("Link"), row.get("Final Link"), *urls_in(message)]
    return [page, _shared(post, links, hashtags_in(message))]


def _page_followers(row: dict[str, str]) -> int | None:
    """Followers at posting; older exports only have the page's likes, the same audience."""
    followers = fields.optional(fields.integer, row.get("Followers at Posting"))
    return followers if followers is not None else fields.optional(fields.integer, row.get("Likes at Posting"))


def instagram_rows(row: dict[str, str]) -> list[Row]:
    """An Instagram post: the account (keyed by its user name) and the post."""
    handle = fields.required_text(row, "User Name").strip()
    caption = fields.text(row.get("Description")) or fields.text(row.get("Title"))
    post = _post("instagram", row, handle, caption)
    account = Account(
        platform="instagram",
        account_id=handle,
        handle=handle,
        display_name=fields.text(row.get("Account")),
        followers=fields.optional(fields.integer, row.get("Followers at Posting")),
    )
    links = [row.get("Link"), *urls_in(caption)]
    return [account, _shared(post, links, hashtags_in(caption))]


def _post(platform: str, row: dict[str, str], account_id: str, text: str | None) -> Post:
    url = fields.required_text(row, "URL").strip()
    return Post(
        platform=platform,
        post_id=url,
        account_id=account_id,
        ts=posted_at(row.get("Post Created")),
        text=text,
        url=url,
    )


def _shared(post: Post, links: list[str | None], hashtags: list[str]) -> SharedPost:
    own = (post.url or "").rstrip("/")
    urls = [link.strip() for link in links if link and link.strip() and link.strip().rstrip("/") != own]
    return SharedPost(post=post, urls=urls, hashtags=hashtags)


def posted_at(value: str | None) -> dt.datetime:
    """`2021-03-01 13:45:10 EST` as naive UTC; the zone must be one we know."""
    cell = (value or "").strip()
    if not cell:
        raise fields.BadRecord("missing 'Post Created'")
    stamp, _, zone = cell.rpartition(" ")
    if not stamp or zone[:1].isdigit():
        raise fields.BadRecord(f"'Post Created' has no time zone: {cell[:40]!r}")
    try:
        local = dt.datetime.fromisoformat(stamp.strip())
    except ValueError:
        raise fields.BadRecord(f"'Post Created' is not a date-time: {cell[:40]!r}") from None
    return local.replace(tzinfo=None) - dt.timedelta(hours=zone_offset_hours(zone))


def zone_offset_hours(zone: str) -> float:
    if _NUMERIC_OFFSET.fullmatch(zone):
        digits = zone[1:].replace(":", "")
        hours = int(digits[:2]) + int(digits[2:]) / 60
        return hours if zone[0] == "+" else -hours
    try:
        return ZONE_OFFSETS[zone.upper()]
    except KeyError:
        raise fields.BadRecord(f"unknown time zone {zone[:10]!r} in 'Post Created'") from None
