"""The audit verbs of jobs submitted to the embedded cluster: one constant per verb, named
`app.noun.verb`.

Stored audit rows are hash-chained (`aisc audit verify`), so a verb once written is never
rewritten; a new name applies to rows written from then on.
"""

JOB_SUBMIT = "cluster.job.submit"
