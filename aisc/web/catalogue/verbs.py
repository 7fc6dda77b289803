"""The audit verbs of rate cards, exchange rates and node states: one constant per verb, named
`app.noun.verb`.

Stored audit rows are hash-chained (`aisc audit verify`), so a verb once written is never
rewritten; a new name applies to rows written from then on.
"""

EXCHANGE_SAVE = "catalogue.exchange.save"
NODE_STATE = "catalogue.node.state"
RATECARD_CHANGE = "catalogue.ratecard.change"
RATECARD_CREATE = "catalogue.ratecard.create"
RATECARD_PREMIUMS = "catalogue.ratecard.premiums"
RATECARD_SUPERSEDE = "catalogue.ratecard.supersede"
