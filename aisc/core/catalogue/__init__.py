"""The centre's hardware in pure data: chips, node types, capacity, rate cards, exchange rates."""
