# ruff: noqa: E501  (prose: long lines are easier to review as sentences)
"""Reference library defaults for the demo: the illustrative priority levels of DOMAIN.md,
follow-up actions, and a glossary. Every explanation is written for this project; the
Luxembourg Guidelines are cited, not reproduced."""

from __future__ import annotations

LUXEMBOURG = (
    "Terminology Guidelines for the Protection of Children from Sexual Exploitation and "
    "Sexual Abuse (Luxembourg Guidelines), Interagency Working Group, 2016"
)

PRIORITY_LEVELS = [
    {
        "rank": 1,
        "name": "Critical",
        "definition": (
            "A child is in immediate danger, or abuse is happening now or is about to happen."
        ),
        "criteria": (
            "Abuse in progress or arranged for a known time\n"
            "A meeting between a suspect and a child has been arranged\n"
            "A child shows signs of self-harm or suicidal thoughts linked to the offending"
        ),
        "examples": (
            "A platform report shows an adult arranging to meet a 13-year-old tomorrow\n"
            "Payment records show a live-streamed abuse session booked for this weekend\n"
            "A teenager being extorted says she cannot go on"
        ),
        "response_time": "Within hours; safeguarding the same day",
        "responsible": (
            "Duty investigator and duty supervisor, with child-protection services on call"
        ),
        "follow_up": (
            "Locate and safeguard the child\n"
            "Inform the duty supervisor at once\n"
            "Urgent data requests to the service provider\n"
            "Use the 24/7 network if the child or suspect is abroad"
        ),
        "crosswalk": (
            "Roughly the top of the US ICAC prioritisation scale (a child at immediate risk), "
            "NCMEC CyberTipline priority 1, and the UK KIRAT 'very high' band (action within "
            "about a day)."
        ),
    },
    {
        "rank": 2,
        "name": "High",
        "definition": (
            "A child is vulnerable to a known offender, or the suspect has access to children."
        ),
        "criteria": (
            "The suspect lives or works with children\n"
            "A known child is being solicited\n"
            "Real, identifiable children are targeted, even without contact yet"
        ),
        "examples": (
            "An account sharing material belongs to a registered childminder\n"
            "A man convicted before contacts a specific 12-year-old on a gaming platform"
        ),
        "response_time": "Within 7 days, sooner where local rules say so",
        "responsible": "Investigator and supervisor, with child-protection services",
        "follow_up": (
            "Identify the suspect and the children around them\n"
            "Notify child-protection services\n"
            "Plan a search and seizure\n"
            "Consult the prosecutor early"
        ),
        "crosswalk": (
            "Comparable to the upper-middle ICAC levels (suspect with access to children), "
            "NCMEC priority 2 and KIRAT 'high' (action within about a week)."
        ),
    },
    {
        "rank": 3,
        "name": "Medium",
        "definition": "Serious offending, with no known access to children.",
        "criteria": (
            "High-volume or organised distribution\n"
            "Administration of a group or service that shares abuse material\n"
            "Repeat offending"
        ),
        "examples": (
            "The administrator of a large sharing group is located in your country\n"
            "A person convicted before is again found downloading material"
        ),
        "response_time": "Within 14 days",
        "responsible": "Investigator, digital forensics and prosecutor",
        "follow_up": (
            "Preserve and request data from providers\n"
            "Check for other investigations (deconfliction)\n"
            "Plan a search; forensic triage of devices\n"
            "Refer images for victim identification"
        ),
        "crosswalk": "Comparable to KIRAT 'medium' (action within about two weeks).",
    },
    {
        "rank": 4,
        "name": "Standard",
        "definition": "Possession or distribution without aggravating signs.",
        "criteria": "Possession only\nNo indication of contact, production or access to children",
        "examples": "A single report of an IP address downloading known material",
        "response_time": "Within 30 days",
        "responsible": "Investigator",
        "follow_up": (
            "Identify the subscriber\n"
            "Plan a search; review the case again if new facts raise the level"
        ),
        "crosswalk": "Comparable to KIRAT 'low' (action within about 30 days).",
    },
    {
        "rank": 5,
        "name": "Information",
        "definition": "Not actionable as a case in your jurisdiction.",
        "criteria": (
            "Duplicate or viral reports of known material\n"
            "No link to your jurisdiction\n"
            "Already under investigation elsewhere"
        ),
        "examples": (
            "A widely shared video reported forty times, already known to the hotline\n"
            "A report about an IP address in another country"
        ),
        "response_time": "Next review cycle",
        "responsible": "Intelligence analyst",
        "follow_up": (
            "Record as intelligence\nRefer to the competent country or unit\nClose with a reason"
        ),
        "crosswalk": (
            "Comparable to NCMEC 'informational' reports and the lowest ICAC levels ('any other "
            "form of victimisation')."
        ),
    },
]

FOLLOW_UP_ACTIONS = [
    ("safeguard-now", "Safeguard the child now", "Protéger l'enfant immédiatement"),
    ("supervisor", "Inform the duty supervisor", "Informer le superviseur de permanence"),
    ("child-protection", "Notify child-protection services", "Saisir les services de protection de l'enfance"),
    ("preserve", "Ask the provider to preserve data", "Demander la conservation des données"),
    ("identify", "Identify the account holder", "Identifier le titulaire du compte"),
    ("search-plan", "Plan a search and seizure", "Préparer une perquisition et une saisie"),
    ("deconflict", "Check for other investigations", "Vérifier les autres enquêtes en cours"),
    ("prosecutor", "Consult the prosecutor", "Consulter le parquet"),
    ("victim-id", "Refer for victim identification", "Transmettre pour identification des victimes"),
    ("refer-jurisdiction", "Refer to the competent country or unit", "Transmettre au pays ou au service compétent"),
    ("intel-log", "Record as intelligence and close", "Enregistrer comme renseignement et clore"),
]  # fmt: skip

GLOSSARY = [
    # term, status, preferred, explanation, variants
    (
        "child pornography",
        "avoid",
        "child sexual abuse material",
        "Every such image or video records the abuse of a real child, or sexualises children. "
        "'Pornography' suggests consenting adults and a legitimate product. Older laws, "
        "including the Budapest and Lanzarote Conventions, still use the term: quote it where "
        "you cite the law, and use the preferred term everywhere else.",
        "child porn\nchild-pornography",
    ),
    (
        "child prostitute",
        "avoid",
        "child subjected to sexual exploitation",
        "A child cannot choose to sell sex. The phrase shifts responsibility to the child and "
        "hides the adults who exploit them.",
        "child prostitutes\njuvenile prostitute",
    ),
    (
        "child prostitution",
        "avoid",
        "sexual exploitation of children",
        "Treats the exploitation of a child as a trade the child takes part in. Some laws still "
        "use the phrase; cite it only when quoting them.",
        "",
    ),
    (
        "child sex tourism",
        "avoid",
        "sexual exploitation of children in travel and tourism",
        "'Tourism' makes the offence sound like a leisure activity. The preferred phrase also "
        "covers business travellers, volunteers and people who move abroad.",
        "child sex tourist\nsex tourism involving children",
    ),
    (
        "paedophile ring",
        "avoid",
        "network of child sex offenders",
        "Not everyone in such a network has a paedophilic disorder; the point is the "
        "organised offending.",
        "pedophile ring",
    ),
    (
        "paedophile",
        "care",
        "person who sexually offends against children",
        "A clinical diagnosis, not a legal category. Many offenders are not diagnosed "
        "paedophiles and some people with the diagnosis never offend. Describe the conduct.",
        "pedophile\npaedophiles\npedophiles",
    ),
    (
        "sextortion",
        "care",
        "sexual extortion of children",
        "Widely understood, but can sound trivial. In reports, name what happened: a child "
        "was coerced with threats to share sexual images or money.",
        "",
    ),
    (
        "self-generated",
        "care",
        "self-generated sexual material involving children (explain the coercion)",
        "Useful to describe how material was produced, but it can suggest the child is to "
        "blame. Most such material is made under grooming, pressure or threats.",
        "self generated",
    ),
    (
        "revenge porn",
        "avoid",
        "non-consensual sharing of intimate images",
        "Suggests the person depicted did something to deserve it. Where the person is a "
        "child, the material is child sexual abuse material.",
        "",
    ),
    (
        "consensual",
        "care",
        "(no consent is possible between an adult and a child)",
        "Never describe sexual activity between an adult and a child as consensual. Between "
        "peers, follow your national law on the age of consent.",
        "",
    ),
    (
        "child sexual abuse material",
        "use",
        "",
        "Material that depicts or records the sexual abuse of a child. Abbreviated CSAM.",
        "",
    ),
    (
        "child sexual exploitation material",
        "use",
        "",
        "A wider category: sexualised material involving children that may not show abuse "
        "itself, for example images taken without the child's knowledge.",
        "",
    ),
    (
        "solicitation of children for sexual purposes",
        "use",
        "",
        "The legal term (Lanzarote Convention, Article 23) for what is often called grooming: "
        "an adult proposes to meet a child for sexual purposes and takes steps towards it.",
        "",
    ),
    (
        "online grooming",
        "use",
        "",
        "Building a relationship with a child online to prepare sexual abuse, online or "
        "offline. Widely understood by professionals and families.",
        "",
    ),
    (
        "victim",
        "use",
        "",
        "The person harmed by a crime. Some people prefer 'survivor'; ask them. In legal "
        "documents, use the term your procedure uses.",
        "",
    ),
]

TAGS = [
    # Same slugs as mentoring's demo: the vocabularies are shared.
    ("end-to-end-encryption", "encryption", "End-to-end encryption", "Chiffrement de bout en bout"),
    ("livestreaming", "platform", "Livestreaming", "Diffusion en direct"),
    ("financial-sextortion", "offender_method", "Financial sextortion", "Sextorsion financière"),
    ("gaming-platforms", "platform", "Gaming platforms", "Plateformes de jeu"),
    ("grooming", "offender_method", "Grooming", "Pédopiégeage"),
    ("victim-identification", "practice", "Victim identification", "Identification des victimes"),
    ("digital-forensics", "technique", "Digital forensics", "Criminalistique numérique"),
    (
        "international-cooperation",
        "jurisdiction",
        "International cooperation",
        "Coopération internationale",
    ),
]

COMPETENCIES = [
    ("use-shared-terminology", "Use the shared terminology", "Utiliser la terminologie commune"),
    (
        "plan-victim-centred-interview",
        "Plan a victim-centred interview",
        "Préparer une audition centrée sur la victime",
    ),
    (
        "apply-shared-priority-levels",
        "Apply the shared priority levels",
        "Appliquer les niveaux de priorité communs",
    ),
    (
        "brief-duty-team-on-referral",
        "Brief a duty team on a new referral",
        "Présenter un nouveau signalement à l'équipe de permanence",
    ),
    (
        "plan-investigation-encrypted-services",
        "Plan an investigation involving encrypted services",
        "Préparer une enquête impliquant des services chiffrés",
    ),
    (
        "recognise-secondary-trauma",
        "Recognise signs of secondary trauma",
        "Reconnaître les signes du traumatisme secondaire",
    ),
]
