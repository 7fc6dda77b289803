"""The only code that talks to the outside. Each adapter is a Protocol, a real implementation and
an in-memory fake, with one contract test suite run against both."""
