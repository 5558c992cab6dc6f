"""Page layouts: functions returning components. Data arrives as arguments."""
