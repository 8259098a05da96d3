// Empty: the roles moved to meso/station/staff.hpp, where the station and the panels check the same rule.
