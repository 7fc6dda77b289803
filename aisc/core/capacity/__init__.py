"""Capacity planning: scenarios of inventory and demand, planned month by month on the simulator."""
