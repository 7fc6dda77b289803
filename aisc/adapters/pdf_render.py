"""WeasyPrint in a child process: HTML in on stdin, the PDF out on stdout.

A server process that renders a PDF itself keeps WeasyPrint's tens of megabytes for the rest of
its life (the allocator does not give them back), so every worker that ever rendered one grew by
about 110 MB and five workers crossed 1 GB (benchmarks/security_probes.py). A child that exits
returns all of it. No Django here: the child needs only WeasyPrint.
"""

from __future__ import annotations

import subprocess
import sys

RENDER_SECONDS = 60


def pdf_from_html(html: str) -> bytes:
    """The PDF of an HTML document, rendered by `python -m aisc.adapters.pdf_render`."""
    done = subprocess.run(
        [sys.executable, "-m", "aisc.adapters.pdf_render"],
        input=html.encode("utf-8"),
        capture_output=True,
        timeout=RENDER_SECONDS,
        check=False,
    )
    if done.returncode != 0 or not done.stdout.startswith(b"%PDF"):
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
        raise RuntimeError(f"PDF renderer exited {done.returncode}: {' '.join(tail)}")
    return done.stdout


def main() -> None:
    from weasyprint import HTML

    pdf: bytes = HTML(string=sys.stdin.buffer.read().decode("utf-8")).write_pdf()
    sys.stdout.buffer.write(pdf)


if __name__ == "__main__":
    main()
