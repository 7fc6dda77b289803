"""GPU sharing: multi-resource nodes, fractional and typed GPU requests, OpenB traces, FGD."""
