"""A node's state as people read it, in their language: the one mapping every page that shows
Slurm node states uses (the catalogue's operator page, the reservations page).

Slurm reports states in its own words, in either case: `sinfo -o %T` prints `idle`, `drained`,
`mixed`; `scontrol` prints `IDLE+DRAIN`; a trailing sign adds a flag (`idle*`: not responding).
The sinfo manual lists them (https://slurm.schedmd.com/sinfo.html#SECTION_NODE-STATE-CODES).
A state this table does not know is shown as Slurm wrote it, rather than hidden.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

BASE: dict[str, Promise] = {
    "idle": _("Idle"),
    "mixed": _("Mixed"),
    "mix": _("Mixed"),
    "allocated": _("Allocated"),
    "alloc": _("Allocated"),
    "reserved": _("Reserved"),
    "resv": _("Reserved"),
    "drain": _("Draining"),
    "draining": _("Draining"),
    "drng": _("Draining"),
    "drained": _("Drained"),
    "down": _("Down"),
    "completing": _("Completing"),
    "comp": _("Completing"),
    "fail": _("Failed"),
    "failing": _("Failing"),
    "future": _("Future"),
    "futr": _("Future"),
    "inval": _("Invalid"),
    "maint": _("Maintenance"),
    "planned": _("Planned"),
    "plnd": _("Planned"),
    "reboot": _("Rebooting"),
    "reboot_issued": _("Rebooting"),
    "reboot_requested": _("Reboot requested"),
    "power_down": _("Powering down"),
    "powering_down": _("Powering down"),
    "powered_down": _("Powered off"),
    "powering_up": _("Powering up"),
    "perfctrs": _("Performance counters in use"),
    "blocked": _("Blocked"),
    "unknown": _("Unknown"),
    "unk": _("Unknown"),
}

# sinfo's suffixes (one character after the state).
FLAGS: dict[str, Promise] = {
    "*": _("not responding"),
    "~": _("powered off"),
    "#": _("powering up"),
    "!": _("powering down"),
    "%": _("powering down"),
    "$": _("in a maintenance reservation"),
    "@": _("reboot pending"),
    "^": _("rebooting"),
    "-": _("planned for a waiting job"),
}


def _part(word: str) -> str:
    label = BASE.get(word.strip().lower())
    return str(label) if label is not None else word.strip()


def label(state: str) -> str:
    """`state` as Slurm or the catalogue writes it -> the words for it in the active language."""
    text = state.strip()
    flag = FLAGS.get(text[-1:]) if len(text) > 1 else None
    if flag is not None:
        text = text[:-1]
    words = " + ".join(_part(word) for word in text.split("+") if word.strip())
    if flag is None:
        return words
    return gettext("%(state)s (%(flag)s)") % {"state": words, "flag": flag}
