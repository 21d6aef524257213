this is not XML at all
