"""The strategy document's published figures, as the catalogue and the exports must carry them."""

EXPECTED_BASELINES = {
    ("Children and young people 1:1 domestic and sexual abuse support",
     "Children and young people supported"): (76, "2018/19"),
    ("Children and young people 1:1 domestic and sexual abuse support",
     "Reported increased safety"): (68, "2018/19"),
    ("Children and young people 1:1 domestic and sexual abuse support",
     "Reported improved health and wellbeing"): (86, "2018/19"),
    ("Children and young people 1:1 domestic and sexual abuse support",
     "Reported improved confidence and self-worth"): (77, "2018/19"),
    ("Children and young people 1:1 domestic and sexual abuse support",
     "Reported improved skills, knowledge and confidence to establish boundaries"): (72, "2018/19"),
    ("Independent Sexual Violence Advisor (ISVA)", "Women supported"):
        (50, "April 2018 to March 2019"),
    ("Sanctuary scheme", "Victims enabled to remain in their own home"):
        (26, "1 April 2018 to 31 March 2019"),
    ("ASB early help (boxing club diversion)", "Young people engaged"): (70, "2018/19"),
    ("ASB early help (boxing club diversion)", "Sessions attended"): (3100, "2018/19"),
    ("ASB early help (boxing club diversion)",
     "Continued to access the activity in their own time"): (44, "2018/19"),
    ("Substance misuse and mental health outreach", "Adults engaged"):
        (354, "November 2018 to July 2019"),
    ("Substance misuse and mental health outreach", "Young people given direct intervention"):
        (641, "November 2018 to July 2019"),
    ("Substance misuse and mental health outreach", "Volunteers recruited and trained"):
        (37, "November 2018 to July 2019"),
    ("Substance misuse and mental health outreach",
     "Individuals signposted or supported into services"): (27, "November 2018 to July 2019"),
    ("Social prescribing (3 GP surgeries)", "Referrals"): (145, "Pilot"),
}
SOCIAL_PRESCRIBING_REASONS = [
    ("Advice and information", 50), ("Social activities and befriending", 44),
    ("Exercise and outdoor activities", 14), ("Skills-based learning opportunities", 8),
    ("Volunteering", 3), ("Finance or welfare benefits", 26),
]
