"""Follow-up of adopted proposals over their life cycle (全生命周期跟踪)."""
