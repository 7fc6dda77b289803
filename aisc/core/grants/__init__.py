"""Pure rules of the subsidy scheme: lifecycles, rubric, conflicts, ranking, subsidy, tranches."""
