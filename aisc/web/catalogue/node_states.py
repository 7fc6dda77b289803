"""A node's state as people read it, in their language: the one mapping every page that shows
Slurm node states uses (the catalogue's operator page, the reservations page).

Slurm reports states in its own words, in either case: `sinfo -o %T` prints `idle`, `drained`,
`mixed`; `scontrol` prints `IDLE+DRAIN`; a trailing sign adds a flag (`idle*`: not responding).
The sinfo manual lists them (https://slurm.schedmd.com/sinfo.html#SECTION_NODE-STATE-CODES).
A state this table does not know is shown as Slurm wrote it, rather than hidden. The labels
carry a context: "Failed" or "Unknown" elsewhere in the portal may read differently.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy

BASE: dict[str, Promise] = {
    "idle": pgettext_lazy("Slurm node state", "Idle"),
    "mixed": pgettext_lazy("Slurm node state", "Mixed"),
    "mix": pgettext_lazy("Slurm node state", "Mixed"),
    "allocated": pgettext_lazy("Slurm node state", "Allocated"),
    "alloc": pgettext_lazy("Slurm node state", "Allocated"),
    "reserved": pgettext_lazy("Slurm node state", "Reserved"),
    "resv": pgettext_lazy("Slurm node state", "Reserved"),
    "drain": pgettext_lazy("Slurm node state", "Draining"),
    "draining": pgettext_lazy("Slurm node state", "Draining"),
    "drng": pgettext_lazy("Slurm node state", "Draining"),
    "drained": pgettext_lazy("Slurm node state", "Drained"),
    "down": pgettext_lazy("Slurm node state", "Down"),
    "completing": pgettext_lazy("Slurm node state", "Completing"),
    "comp": pgettext_lazy("Slurm node state", "Completing"),
    "fail": pgettext_lazy("Slurm node state", "Failed"),
    "failing": pgettext_lazy("Slurm node state", "Failing"),
    "future": pgettext_lazy("Slurm node state", "Future"),
    "futr": pgettext_lazy("Slurm node state", "Future"),
    "inval": pgettext_lazy("Slurm node state", "Invalid"),
    "maint": pgettext_lazy("Slurm node state", "Maintenance"),
    "planned": pgettext_lazy("Slurm node state", "Planned"),
    "plnd": pgettext_lazy("Slurm node state", "Planned"),
    "reboot": pgettext_lazy("Slurm node state", "Rebooting"),
    "reboot_issued": pgettext_lazy("Slurm node state", "Rebooting"),
    "reboot_requested": pgettext_lazy("Slurm node state", "Reboot requested"),
    "power_down": pgettext_lazy("Slurm node state", "Powering down"),
    "powering_down": pgettext_lazy("Slurm node state", "Powering down"),
    "powered_down": pgettext_lazy("Slurm node state", "Powered off"),
    "powering_up": pgettext_lazy("Slurm node state", "Powering up"),
    "perfctrs": pgettext_lazy("Slurm node state", "Performance counters in use"),
    "blocked": pgettext_lazy("Slurm node state", "Blocked"),
    "unknown": pgettext_lazy("Slurm node state", "Unknown"),
    "unk": pgettext_lazy("Slurm node state", "Unknown"),
}

# sinfo's suffixes (one character after the state).
FLAGS: dict[str, Promise] = {
    "*": pgettext_lazy("Slurm node state", "not responding"),
    "~": pgettext_lazy("Slurm node state", "powered off"),
    "#": pgettext_lazy("Slurm node state", "powering up"),
    "!": pgettext_lazy("Slurm node state", "powering down"),
    "%": pgettext_lazy("Slurm node state", "powering down"),
    "$": pgettext_lazy("Slurm node state", "in a maintenance reservation"),
    "@": pgettext_lazy("Slurm node state", "reboot pending"),
    "^": pgettext_lazy("Slurm node state", "rebooting"),
    "-": pgettext_lazy("Slurm node state", "planned for a waiting job"),
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
