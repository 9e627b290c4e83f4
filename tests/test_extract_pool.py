from __future__ import annotations

import asyncio

import pytest

from aggregator.errors import ExtractionError
from aggregator.extract_pool import ExtractorPool
from tests.conftest import fixture_bytes


def test_the_pool_extracts_in_worker_processes_and_enforces_limits() -> None:
    async def run() -> None:
        pool = ExtractorPool(workers=2, time_limit=20, max_bytes=2_000_000)
        try:
            page = fixture_bytes("pages/guardian_2024_02_24_valencia.html")
            results = await asyncio.gather(
                *(pool.extract(page, "https://www.theguardian.com/x") for _ in range(4))
            )
            assert {r.title for r in results if r} == {
                "Death toll in Valencia fire rises to 10 as remains of last missing person found"
            }
            with pytest.raises(ExtractionError, match="over the 1,000-byte limit"):
                await ExtractorPool(workers=1, time_limit=5, max_bytes=1000).extract(page, "https://x/")
        finally:
            pool.close()

        slow = ExtractorPool(workers=1, time_limit=0.005, max_bytes=2_000_000)
        page = fixture_bytes("pages/guardian_2024_02_24_valencia.html")
        try:
            errors = []
            for _ in range(3):
                try:
                    await slow.extract(page, "https://x/")
                except ExtractionError as exc:
                    errors.append(str(exc))
            # A page takes ~20 ms; an alarm landing inside lxml's C code fires only when it returns,
            # so an attempt may occasionally finish first. The limit must bite, and say so.
            assert errors
            assert set(errors) == {"extraction took longer than 0.005s"}
            # The worker survives its timeout and serves the next page.
            slow.time_limit = 20
            assert (
                await slow.extract(fixture_bytes("pages/lemire.me.json.html"), "https://lemire.me/x")
                is not None
            )
        finally:
            slow.close()

    asyncio.run(run())
