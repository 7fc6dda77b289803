"""The server's settings for benchmarks/api_fuzz.py: aisc's own, with the API's rate limits
lifted. The fuzzer sends many more requests a minute with one token than a script may, and a
fuzz run that only collects 429s tests nothing else."""

from aisc.web.settings import *  # noqa: F403

AISC_RATES = dict.fromkeys(AISC_RATES, "1000000/min")  # noqa: F405
