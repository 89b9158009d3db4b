// Placeholder replaced by the command-line dispatcher in this same change.
print("peerdex")
