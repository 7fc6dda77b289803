"""Closed-form queueing results the simulator is validated against.

M/M/c (Erlang C): Poisson arrivals at rate lam, c servers, exponential service at rate mu each,
offered load a = lam/mu, utilisation rho = a/c < 1. The probability an arrival waits is

    C(c, a) = (a^c / c!) / (1 - rho) / (sum_{k<c} a^k / k! + (a^c / c!) / (1 - rho))

and the mean wait in queue is Wq = C(c, a) / (c*mu - lam) (Kleinrock, Queueing Systems I, §3.5).
"""

from __future__ import annotations

from aisc.core.errors import RuleViolation


def erlang_c(servers: int, offered: float) -> float:
    """Probability that an arrival has to wait, for `servers` servers and offered load `offered`."""
    if servers < 1 or not 0 <= offered < servers:
        raise RuleViolation(
            "M/M/c needs c >= 1 and 0 <= offered load < c (got c=%(servers)s, a=%(offered)s)",
            field="offered",
            params={"servers": servers, "offered": offered},
        )
    rho = offered / servers
    term = 1.0  # a^k / k!, built up term by term to stay finite for large c
    below = 0.0
    for k in range(servers):
        below += term
        term *= offered / (k + 1)
    top = term / (1 - rho)
    return top / (below + top)


def mmc_mean_wait(servers: int, arrival_rate: float, service_rate: float) -> float:
    """Mean time in queue (before service) of an M/M/c queue."""
    offered = arrival_rate / service_rate
    return erlang_c(servers, offered) / (servers * service_rate - arrival_rate)
