"""Who is who: regions, countries, agencies, experts and their memberships."""
