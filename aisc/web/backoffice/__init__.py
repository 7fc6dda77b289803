"""Back office: the staff pages over the platform's own machinery, the audit log (kept by
aisc.web.audit) and the outbox's dead letters and worker health (kept by aisc.web.outbox).

Audit and outbox sit at the bottom of the layers, below accounts, so that every app can record
and enqueue; their pages need authorisation and audited actions, which are above them, so the
pages live here, above accounts.
"""
