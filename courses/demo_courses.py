# ruff: noqa: E501  (prose: long lines are easier to review as sentences)
"""Demo courses, written for this project: sober, text-only, at the level of a training
manual. Facts about the conventions can be checked against the Council of Europe treaty
office (CETS No. 201, ETS No. 185). Nothing here is case material."""

from __future__ import annotations

from typing import Any

SINGLE, MULTIPLE, TRUE_FALSE, ORDERING, SHORT_TEXT = (
    "single",
    "multiple",
    "true_false",
    "ordering",
    "short_text",
)

FOUNDATIONS: dict[str, Any] = {
    "slug": "foundations-online-child-protection",
    "title": "Foundations: shared language, the conventions and a victim-centred approach",
    "summary": (
        "The words, the European legal framework and the working habits that every "
        "practitioner in online child protection shares."
    ),
    "description": (
        "For police officers, prosecutors, judges and child-protection staff who are new to "
        "online child sexual exploitation and abuse, or who want a common baseline with "
        "colleagues in other countries.\n\n"
        "You will learn to:\n\n"
        "- use the shared terminology in reports and in court;\n"
        "- find your way in the Lanzarote and Budapest Conventions;\n"
        "- plan contact with a child victim so that it helps rather than harms."
    ),
    "cpd_hours": 3,
    "is_open": True,
    "tags": ["grooming", "international-cooperation", "victim-identification"],
    "competencies": ["use-shared-terminology", "plan-victim-centred-interview"],
    "modules": [
        {
            "title": "Shared terminology",
            "summary": "Why words matter, and the terms agencies agree on.",
            "tags": ["grooming"],
            "lessons": [
                {
                    "title": "Why words matter",
                    "minutes": 8,
                    "body": """Words in a case file travel further than we expect: to prosecutors, judges,
journalists, families, and one day perhaps to the child. A careless word can suggest that a
child consented, or that abuse was a kind of entertainment.

## Three habits

1. **Name the harm.** Say what happened to the child, in plain words.
2. **Keep responsibility with the offender.** Avoid phrases that describe a child as a
   participant in their own exploitation.
3. **Quote the law accurately.** Older treaties and statutes use outdated terms. Quote them
   when you cite the law, and use the preferred terms everywhere else.

## Where the shared terms come from

In 2016 an interagency working group published the *Terminology Guidelines for the
Protection of Children from Sexual Exploitation and Sexual Abuse*, known as the Luxembourg
Guidelines.[^1] They do not replace national law; they give practitioners in different
countries and languages a common vocabulary.

The glossary of this platform lists the main terms with our own short explanations. The
lesson editor flags terms to avoid, so course materials stay consistent.

[^1]: Interagency Working Group on Sexual Exploitation of Children, Luxembourg, 28 January 2016.
""",
                },
                {
                    "title": "Terms to prefer and terms to avoid",
                    "minutes": 10,
                    "body": """| Instead of… | Prefer… | Why |
|---|---|---|
| pornography involving children | child sexual abuse material (CSAM) | Every image records the abuse of a real child |
| a child "selling sex" | a child subjected to sexual exploitation | A child cannot consent to being exploited |
| tourism-related offending | sexual exploitation of children in travel and tourism | Covers travellers, volunteers and people who move abroad |
| "relationship" with a child | grooming; solicitation of children for sexual purposes | Describes the offender's conduct |

## Words to use with care

- **Paedophile** is a clinical diagnosis. Many offenders do not have it, and describing
  every offender this way can mislead a court about motive and risk.
- **Sextortion** is widely understood but can sound trivial. In a report, describe the
  coercion: threats, demands, deadlines.
- **Self-generated** describes how material was produced, not who is to blame. Most such
  material is produced under grooming or threats.

> When in doubt, describe the conduct and its effect on the child.
""",
                },
            ],
            "questions": [
                {
                    "kind": SINGLE,
                    "prompt": "Which term do the shared guidelines prefer for images that record the sexual abuse of a child?",
                    "choices": [
                        ("Child sexual abuse material", True, "Yes: it names the abuse."),
                        (
                            "Explicit content involving minors",
                            False,
                            "Vague, and it hides the abuse.",
                        ),
                        ("Underage adult content", False, "Suggests a legitimate product."),
                    ],
                    "explanation": "Every such image records the abuse of a real child; the preferred term says so.",
                },
                {
                    "kind": TRUE_FALSE,
                    "prompt": "When you quote a law that still uses an outdated term, you should quote it accurately.",
                    "true": True,
                    "explanation": "Quote the law as written; use the preferred terms in your own words.",
                },
                {
                    "kind": MULTIPLE,
                    "prompt": "Which words should be used with care?",
                    "choices": [
                        ("Paedophile", True, "A clinical diagnosis, not a description of conduct."),
                        ("Sextortion", True, "Can sound trivial; describe the coercion."),
                        (
                            "Victim",
                            False,
                            "A neutral term, fine to use (ask the person what they prefer).",
                        ),
                    ],
                    "explanation": "Describe the conduct and its effect on the child.",
                },
                {
                    "kind": SHORT_TEXT,
                    "prompt": "In which city were the 2016 terminology guidelines adopted?",
                    "accepted": "Luxembourg",
                    "explanation": "They are known as the Luxembourg Guidelines.",
                },
            ],
        },
        {
            "title": "The Lanzarote and Budapest Conventions",
            "summary": "The two Council of Europe treaties that underpin cross-border work.",
            "tags": ["international-cooperation"],
            "lessons": [
                {
                    "title": "The Lanzarote Convention",
                    "minutes": 12,
                    "body": """The *Council of Europe Convention on the Protection of Children against Sexual
Exploitation and Sexual Abuse* (CETS No. 201) was opened for signature in Lanzarote in
October 2007 and entered into force in July 2010. States outside the Council of Europe can
join it too.

## What it asks of states

- **Prevention**: screening of people who work with children, awareness for children and
  parents, programmes for people who fear they might offend.
- **Protection**: reporting channels, support for victims and their families.
- **Criminal law**: offences covering sexual abuse, the sexual exploitation of children,
  abuse material, and the **solicitation of children for sexual purposes** (Article 23),
  which covers grooming that leads to a proposal to meet.
- **Child-friendly procedures**: interviews without delay, in suitable premises, by trained
  professionals, as few as necessary (Article 35).

## Monitoring

The Lanzarote Committee of the Parties monitors how states apply the Convention, one theme
at a time. Its reports are a good source of practice from other countries.
""",
                },
                {
                    "title": "The Budapest Convention on Cybercrime",
                    "minutes": 12,
                    "body": """The *Convention on Cybercrime* (ETS No. 185), opened for signature in Budapest in
November 2001 and in force since 2004, is the main treaty on cybercrime and electronic
evidence. Its Article 9 is titled "Offences related to child pornography"; today we would say
child sexual abuse material, but the treaty text keeps its original wording.

## Procedural tools you will use

| Article | Tool | In practice |
|---|---|---|
| 16 | Expedited preservation of stored data | Ask a provider to freeze data while you obtain an order |
| 17 | Preservation and partial disclosure of traffic data | Follow a communication across several providers |
| 18 | Production order | Subscriber information and other data a provider holds |
| 19 | Search and seizure of stored data | Devices and accounts |
| 35 | 24/7 network | A contact point in every party, day and night |

## Cooperation

A **Second Additional Protocol** (2022) adds direct requests to providers in other parties
for some data and faster cooperation in emergencies. Check which protocols your country
has ratified before relying on them.
""",
                },
            ],
            "questions": [
                {
                    "kind": SINGLE,
                    "prompt": "Which article of the Lanzarote Convention covers the solicitation of children for sexual purposes?",
                    "choices": [
                        ("Article 23", True, "Correct."),
                        (
                            "Article 9",
                            False,
                            "Article 9 of the Budapest Convention covers abuse material.",
                        ),
                        ("Article 35", False, "Article 35 is about interviews with children."),
                    ],
                    "explanation": "Article 23 requires states to criminalise grooming that leads to a proposal to meet.",
                },
                {
                    "kind": ORDERING,
                    "prompt": "Put these in the order in which they usually happen when evidence is held by a provider abroad.",
                    "choices": [
                        ("Ask the provider to preserve the data", True, ""),
                        ("Obtain the legal order or request", True, ""),
                        ("Receive and analyse the data", True, ""),
                    ],
                    "explanation": "Preserve first, so the data still exists when the order arrives.",
                },
                {
                    "kind": TRUE_FALSE,
                    "prompt": "Only member states of the Council of Europe can join the Budapest Convention.",
                    "true": False,
                    "explanation": "Both conventions are open to states outside the Council of Europe.",
                },
            ],
        },
        {
            "title": "A victim-centred approach",
            "summary": "Planning contact with a child so that the procedure helps rather than harms.",
            "tags": ["victim-identification"],
            "lessons": [
                {
                    "title": "What victim-centred means in practice",
                    "minutes": 10,
                    "body": """A victim-centred approach puts the child's safety, wellbeing and views at the
centre of every decision, from the first contact to the end of the proceedings.

- **Plan before contact.** Who will speak to the child, where, and what support is ready?
- **One good interview.** Repeated questioning harms children and weakens evidence. Record
  a single, well-prepared interview where your law allows.
- **Explain what will happen.** In words the child understands, and again when plans change.
- **Coordinate.** Child-protection services, health and the prosecutor agree on one plan.

Some countries bring these services under one roof in a child-friendly house (the
*Barnahus* model, first opened in Iceland in 1998). Where that does not exist, you can still
apply its principles.
""",
                },
                {
                    "title": "How online abuse affects children",
                    "minutes": 10,
                    "exposure": 2,
                    "warnings": ["victim_account", "exploitation"],
                    "note": "Describes, without detail, how children experience grooming and sextortion.",
                    "body": """This lesson describes in general terms how children experience online abuse. It
contains no case material.

## What children often tell professionals

- They felt they had a real friendship or relationship with the offender, sometimes for
  months, and feel betrayed and ashamed when they understand what happened.
- They feared that nobody would believe them, or that they would be blamed for sending
  images.
- When threatened with the release of images, many describe panic and a sense that there
  was no way out. Some harm themselves. **Treat any sign of this as urgent.**
- The knowledge that images may still circulate can stay with a child for years.

## What helps

- Say clearly that the child is not to blame.
- Explain what you are doing to stop images from spreading.
- Make sure the child and their carers know where to get support, now and later.
""",
                },
            ],
            "questions": [
                {
                    "kind": MULTIPLE,
                    "prompt": "Which practices are part of a victim-centred approach?",
                    "choices": [
                        ("Planning who speaks to the child before contact", True, "Yes."),
                        (
                            "One well-prepared, recorded interview where the law allows",
                            True,
                            "Yes.",
                        ),
                        (
                            "Interviewing the child again for each agency",
                            False,
                            "Repeated interviews harm children.",
                        ),
                    ],
                    "explanation": "Plan, coordinate, and keep interviews to the minimum necessary.",
                },
                {
                    "kind": TRUE_FALSE,
                    "prompt": "A child threatened with the release of images who mentions self-harm is an urgent case.",
                    "true": True,
                    "explanation": "Signs of self-harm put the case at the highest priority level.",
                },
            ],
        },
    ],
}

PRIORITISATION: dict[str, Any] = {
    "slug": "case-prioritisation-shared-levels",
    "title": "Case prioritisation with shared levels",
    "summary": (
        "Assess incoming referrals against shared priority levels, decide the follow-up, "
        "and practise on scenario cards."
    ),
    "description": (
        "Referrals arrive faster than any unit can investigate them. Shared priority levels "
        "help colleagues in different agencies and countries make the same call on the same "
        "facts. The course ends with a triage drill of fourteen scenario cards."
    ),
    "cpd_hours": 2.5,
    "is_open": True,
    "tags": ["grooming", "financial-sextortion", "livestreaming"],
    "competencies": ["apply-shared-priority-levels", "brief-duty-team-on-referral"],
    "modules": [
        {
            "title": "The shared priority levels",
            "summary": "Five levels, what puts a case in each, and who acts.",
            "diagram": "From referral to follow-up: assess, set the level, act, re-assess",
            "tags": ["grooming"],
            "lessons": [
                {
                    "title": "Why shared levels",
                    "minutes": 8,
                    "body": """A referral from a platform in one country, about a suspect in a second and a child
in a third, is handled by several agencies. If each uses its own urgency scale, the child's
case can stall at the slowest step.

The shared levels in the reference library give every agency the same five steps, from
**1 Critical** to **5 Information**, each with criteria, practical examples, an expected
first response, who acts, and the follow-up. Your agency's own procedures still apply; the
shared levels are the common language between agencies.

They also map onto schemes you may know (the crosswalk on each level), so you can explain
a decision to a partner who uses another scale.

{diagram}
""",
                },
                {
                    "title": "The five levels in practice",
                    "minutes": 12,
                    "body": """| Level | Ask yourself | First response |
|---|---|---|
| 1 Critical | Is a child in danger now, or is abuse arranged? | Hours; safeguarding the same day |
| 2 High | Does the suspect have access to children, or target a known child? | Within 7 days |
| 3 Medium | Is the offending serious or organised, without known access? | Within 14 days |
| 4 Standard | Possession or sharing without aggravating signs? | Within 30 days |
| 5 Information | Is this actionable here at all? | Next review |

## Three rules of thumb

1. **Start from the child, not the material.** A modest amount of material with a suspect
   who lives with children is level 2; a large collection with no known access is level 3.
2. **Signs of self-harm raise the level at once.**
3. **Re-assess when facts change.** A level is a decision for now, not a label for ever.
""",
                },
            ],
            "questions": [
                {
                    "kind": SINGLE,
                    "prompt": "A suspect who shares a small amount of material lives with two young children. Which level?",
                    "choices": [
                        ("2 High", True, "Access to children drives the level."),
                        ("4 Standard", False, "Access to children is an aggravating sign."),
                        (
                            "3 Medium",
                            False,
                            "Level 3 is for serious offending without known access.",
                        ),
                    ],
                    "explanation": "Start from the child: access to children makes it level 2.",
                },
                {
                    "kind": ORDERING,
                    "prompt": "Order the levels from the most to the least urgent.",
                    "choices": [
                        ("Critical", True, ""),
                        ("High", True, ""),
                        ("Medium", True, ""),
                        ("Standard", True, ""),
                        ("Information", True, ""),
                    ],
                    "explanation": "1 Critical to 5 Information.",
                },
                {
                    "kind": TRUE_FALSE,
                    "prompt": "Once set, a priority level should not change during the investigation.",
                    "true": False,
                    "explanation": "Re-assess whenever the facts change.",
                },
            ],
        },
        {
            "title": "From level to follow-up",
            "summary": "Who acts, in what order, and how to hand over across borders.",
            "tags": ["international-cooperation"],
            "lessons": [
                {
                    "title": "The first hours of a critical referral",
                    "minutes": 10,
                    "exposure": 1,
                    "warnings": ["exploitation"],
                    "note": "Mentions, without detail, situations where a child is at immediate risk.",
                    "body": """At level 1 several things happen in parallel. A checklist keeps the duty team from
losing time:

1. **Tell the duty supervisor** and agree who leads.
2. **Locate the child.** Use what the referral gives you: account details, device data,
   school or area mentioned in messages.
3. **Ask the provider to preserve data** and, where the law allows, use its emergency
   disclosure route.
4. **Involve child-protection services** to plan safeguarding.
5. **If the child or suspect is abroad**, contact the 24/7 network point of contact or your
   liaison officer straight away.

Record each decision with the time and the reason. At handover, the next team should be
able to read the case in five minutes.
""",
                },
                {
                    "title": "Handing over across borders",
                    "minutes": 8,
                    "body": """A case is often better handled in another country. A good referral:

- states the **priority level** and why, using the shared levels;
- lists what has been **preserved** and where;
- says what has been **done already** and what has not;
- gives a **contact** who can answer questions today.

Agree with the receiving agency who tells the child's family what, so they do not hear it
twice or not at all.
""",
                },
            ],
            "questions": [
                {
                    "kind": MULTIPLE,
                    "prompt": "In a level 1 referral, which actions start at once?",
                    "choices": [
                        ("Inform the duty supervisor", True, "Yes."),
                        ("Ask the provider to preserve data", True, "Yes."),
                        ("Wait for the monthly review meeting", False, "Level 1 means hours."),
                    ],
                    "explanation": "Level 1 actions run in parallel, within hours.",
                },
                {
                    "kind": SHORT_TEXT,
                    "prompt": "Which round-the-clock network of contact points does the Budapest Convention set up? (Give its name.)",
                    "accepted": "24/7 network\n24/7\n24 7 network",
                    "explanation": "Article 35: the 24/7 network.",
                },
            ],
        },
    ],
}

ENCRYPTION: dict[str, Any] = {
    "slug": "encrypted-and-anonymising-services",
    "title": "Offenders' use of encrypted and anonymising services",
    "summary": (
        "A conceptual overview of end-to-end encryption, anonymity networks and ephemeral "
        "messaging, and how investigations still find evidence."
    ),
    "description": (
        "This course explains concepts, not techniques. It shows where evidence usually "
        "remains when content is encrypted, and which legal routes reach it. Operational "
        "methods are taught in your agency's restricted courses."
    ),
    "cpd_hours": 2,
    "is_open": True,
    "tags": ["end-to-end-encryption", "digital-forensics"],
    "competencies": ["plan-investigation-encrypted-services"],
    "modules": [
        {
            "title": "The concepts",
            "summary": "Encryption, anonymity and ephemerality, in plain words.",
            "tags": ["end-to-end-encryption"],
            "lessons": [
                {
                    "title": "End-to-end encryption",
                    "minutes": 10,
                    "body": """With **end-to-end encryption** only the devices at each end of a conversation hold
the keys. The service in the middle carries the messages but cannot read them, so it cannot
hand their content to investigators even with a court order.

What encryption does **not** hide, depending on the service:

- that two accounts are in contact, when, and how often (metadata);
- account details given at registration, payment records, recovery email addresses;
- content on the devices themselves, once they are lawfully seized and accessed;
- backups the user chose to keep elsewhere.

Most services publish guides for law enforcement that say which data they keep and how to
request it. Read them before you write a request.
""",
                },
                {
                    "title": "Anonymity networks and ephemeral messages",
                    "minutes": 10,
                    "body": """**Anonymity networks** route traffic through several relays so that neither the site
nor an observer sees both who is connecting and where to. Some sites exist only inside such
a network (onion services). A **VPN** hides traffic from the local network but the VPN
provider itself sees it.

**Ephemeral messages** disappear after a set time on the recipient's device. They can still
leave traces: notifications, screenshots, the other party's device, or cloud copies.

## What this means for an investigation

Offenders make mistakes over time: they reuse usernames, log in once without protection,
pay with traceable means, or talk about their own security. Patient, lawful collection of
these small traces is how most such cases are solved.
""",
                },
            ],
            "questions": [
                {
                    "kind": MULTIPLE,
                    "prompt": "With end-to-end encryption, which may the service provider still hold?",
                    "choices": [
                        ("Registration details of the account", True, "Often held."),
                        (
                            "Times and frequency of contact between accounts",
                            True,
                            "Metadata is often kept.",
                        ),
                        (
                            "The text of the messages",
                            False,
                            "Only the devices at each end can read it.",
                        ),
                    ],
                    "explanation": "Content is protected; much around it is not.",
                },
                {
                    "kind": TRUE_FALSE,
                    "prompt": "A VPN provider can see the traffic it carries for its users.",
                    "true": True,
                    "explanation": "A VPN moves trust from the local network to the VPN provider.",
                },
            ],
        },
        {
            "title": "The investigative approach",
            "summary": "Where to look, and the legal routes that reach it.",
            "tags": ["digital-forensics", "international-cooperation"],
            "lessons": [
                {
                    "title": "Planning around the endpoint",
                    "minutes": 12,
                    "body": """When content is encrypted in transit, the **endpoints** are where it can be read:
the suspect's devices, and those of the people they talk to.

- **Plan the search** so that devices are found switched on and unlocked where the law
  allows, with a forensic examiner present. Once a device locks, much may be out of reach.
- **Preserve first.** Ask providers to preserve account data as soon as an account is
  identified, before any overt action warns the suspect.
- **Use every lawful source**: provider data, financial records, open sources, witnesses,
  and the devices of victims who consent.
- **Deconflict.** Other agencies may be working on the same service or suspect.

Each of these steps needs the right legal basis in your country. Check with your prosecutor
early, especially for anything covert.
""",
                },
            ],
            "questions": [
                {
                    "kind": ORDERING,
                    "prompt": "Put these steps in a sensible order for an identified account.",
                    "choices": [
                        ("Ask the provider to preserve the account data", True, ""),
                        ("Check for other investigations", True, ""),
                        ("Carry out the planned search", True, ""),
                    ],
                    "explanation": "Preserve before anything overt; deconflict before acting.",
                },
                {
                    "kind": SINGLE,
                    "prompt": "Why plan for devices to be found unlocked where the law allows?",
                    "choices": [
                        ("Once locked, encrypted content may be out of reach", True, "Correct."),
                        ("It makes the search shorter", False, "Speed is not the reason."),
                        (
                            "Providers require it",
                            False,
                            "This is about the device, not the provider.",
                        ),
                    ],
                    "explanation": "The endpoint is where encrypted content can be read.",
                },
            ],
        },
    ],
}

SELF_CARE: dict[str, Any] = {
    "slug": "self-care-and-secondary-trauma",
    "title": "Self-care and secondary trauma",
    "summary": (
        "Recognise the effects of this work on you and your colleagues, and the habits and "
        "support that protect you."
    ),
    "description": (
        "Everyone who works with material and accounts of child abuse is exposed to it. "
        "This course is about looking after yourself and each other, so you can keep doing "
        "the work well. It is not a clinical assessment."
    ),
    "cpd_hours": 1.5,
    "is_open": True,
    "tags": ["victim-identification"],
    "competencies": ["recognise-secondary-trauma"],
    "modules": [
        {
            "title": "Understanding secondary trauma",
            "summary": "What exposure can do, and how to notice it.",
            "tags": [],
            "lessons": [
                {
                    "title": "What exposure can do",
                    "minutes": 10,
                    "exposure": 1,
                    "warnings": ["secondary_trauma"],
                    "note": "Discusses the effects of this work on staff.",
                    "body": """Repeated exposure to accounts and material of abuse affects people, however
experienced they are. Three related ideas are useful:

| Term | What it describes |
|---|---|
| Secondary traumatic stress | Symptoms like those of trauma, from hearing about or seeing others' trauma |
| Vicarious trauma | A gradual change in how you see the world, people and safety |
| Burnout | Exhaustion and detachment from demands that exceed resources |

## Signs to notice, in yourself or a colleague

- intrusive images or thoughts about cases outside work;
- sleeping badly, irritability, withdrawing from family or friends;
- feeling numb, or over-protective of your own children;
- drinking more, or avoiding certain tasks.

Noticing these signs is not weakness. It is the first step to keeping them from growing.
""",
                },
            ],
            "questions": [
                {
                    "kind": SINGLE,
                    "prompt": "Which term describes exhaustion from demands that exceed resources?",
                    "choices": [
                        ("Burnout", True, "Correct."),
                        ("Vicarious trauma", False, "That is a change in how you see the world."),
                        (
                            "Secondary traumatic stress",
                            False,
                            "That is about trauma-like symptoms.",
                        ),
                    ],
                    "explanation": "Burnout is about workload and resources; the others about exposure.",
                },
                {
                    "kind": TRUE_FALSE,
                    "prompt": "Experienced staff are not affected by exposure.",
                    "true": False,
                    "explanation": "Exposure affects everyone; experience brings habits, not immunity.",
                },
            ],
        },
        {
            "title": "Habits and support that protect",
            "summary": "Practical habits for the working day, and where to get support.",
            "tags": [],
            "lessons": [
                {
                    "title": "Habits for the working day",
                    "minutes": 10,
                    "body": """Units that do this work well share some habits:

- **Limit exposure.** Set a maximum time per day for reviewing material, with regular
  breaks away from the screen.
- **Reduce intensity.** Where your tools allow, review with the sound off, at a smaller
  size, or in greyscale, and read text summaries before opening files.
- **Stop at a fixed time.** Leave difficult tasks for the start of the day, not the end.
- **Mark the transition.** A short routine between work and home: a walk, music, changing
  clothes.
- **Talk.** Regular team debriefs, and knowing the outcome of cases, help people carry the
  work.

This platform supports some of these: lessons carry content warnings, images can stay
blurred, and after difficult lessons you are offered a pause.
""",
                },
                {
                    "title": "Getting support",
                    "minutes": 6,
                    "body": """Support works best when it is routine and confidential.

- Use the **wellbeing check-in** on this platform: your answers are seen only by you and
  your agency's wellbeing lead, never by your supervisor.
- Many agencies offer **regular counselling** and a yearly psychological assessment for
  staff in these roles. Ask what yours offers.
- If you are worried about a colleague, ask them how they are, and listen. You do not need
  to fix anything.

If you are in crisis, contact your occupational health service, your doctor, or local
emergency services.
""",
                },
            ],
            "questions": [
                {
                    "kind": MULTIPLE,
                    "prompt": "Which habits reduce the impact of reviewing material?",
                    "choices": [
                        ("Reviewing with the sound off where possible", True, "Yes."),
                        ("Regular breaks away from the screen", True, "Yes."),
                        (
                            "Leaving the most difficult reviews for the end of the day",
                            False,
                            "Do them early, not last.",
                        ),
                    ],
                    "explanation": "Limit exposure, reduce intensity, stop at a fixed time.",
                },
                {
                    "kind": TRUE_FALSE,
                    "prompt": "Supervisors see the answers of your wellbeing check-ins.",
                    "true": False,
                    "explanation": "Only you and your agency's wellbeing lead see them.",
                },
            ],
        },
    ],
}

COURSES: list[dict[str, Any]] = [FOUNDATIONS, PRIORITISATION, ENCRYPTION, SELF_CARE]

# A localised variant (issue 3: overlays per language and jurisdiction): the French text
# of the first Lanzarote lesson, shown to learners reading in French.
VARIANTS: list[dict[str, str]] = [
    {
        "course": FOUNDATIONS["slug"],
        "lesson": "The Lanzarote Convention",
        "language": "fr",
        "jurisdiction": "",
        "title": "La Convention de Lanzarote",
        "body": """La *Convention du Conseil de l'Europe sur la protection des enfants contre
l'exploitation et les abus sexuels* (STCE n° 201) a été ouverte à la signature à Lanzarote en
octobre 2007 et est entrée en vigueur en juillet 2010. Des États non membres du Conseil de
l'Europe peuvent aussi y adhérer.

## Ce qu'elle demande aux États

- **Prévention** : contrôle des personnes qui travaillent avec des enfants, sensibilisation
  des enfants et des parents, programmes pour les personnes qui craignent de passer à l'acte.
- **Protection** : canaux de signalement, soutien aux victimes et à leurs familles.
- **Droit pénal** : infractions couvrant les abus sexuels, l'exploitation sexuelle des
  enfants, les contenus d'abus, et la **sollicitation d'enfants à des fins sexuelles**
  (article 23).
- **Procédures adaptées aux enfants** : auditions sans délai, dans des locaux adaptés, par
  des professionnels formés, aussi peu nombreuses que possible (article 35).

## Suivi

Le Comité de Lanzarote suit l'application de la Convention, un thème à la fois.
""",
    },
]

DRILL: dict[str, Any] = {
    "course": PRIORITISATION["slug"],
    "title": "Triage drill: fourteen referrals",
    "introduction": (
        "Fourteen fictional referrals, written for this course. For each, choose the shared "
        "priority level and the follow-up you would start. There is no trick: read the facts, "
        "start from the child, and decide."
    ),
    "cards": [
        (
            "A meeting tomorrow",
            "A platform reports an adult account that has arranged to meet a 13-year-old outside "
            "her school tomorrow afternoon. The messages name the school.",
            1,
            ["safeguard-now", "supervisor", "preserve", "identify"],
            "A meeting with a child is arranged for a known time: level 1. Safeguard first.",
        ),
        (
            "Threats and despair",
            "A 15-year-old tells a helpline that someone threatens to send her images to her "
            "classmates unless she sends more. She says she cannot go on.",
            1,
            ["safeguard-now", "supervisor", "preserve", "identify"],
            "Sexual extortion with signs of self-harm: level 1, whatever else is known.",
        ),
        (
            "A booked session",
            "Payment records show a user in your country paying a facilitator abroad for a "
            "live-streamed session with a child, booked for this Saturday.",
            1,
            ["supervisor", "refer-jurisdiction", "preserve", "identify"],
            "Abuse is arranged for a known time: level 1. The child is abroad, so the 24/7 "
            "network or liaison is part of the first hour.",
        ),
        (
            "The childminder",
            "An account sharing abuse material is traced to an address where a registered "
            "childminder lives and works.",
            2,
            ["identify", "child-protection", "search-plan", "prosecutor"],
            "The suspect has access to children: level 2.",
        ),
        (
            "A known child, a known offender",
            "A man convicted of a sexual offence against a child last year sends gifts and "
            "messages to a specific 12-year-old on a gaming platform.",
            2,
            ["identify", "child-protection", "preserve", "supervisor"],
            "A known offender targets a known child: level 2, rising to 1 if a meeting is "
            "arranged.",
        ),
        (
            "The teacher's address",
            "A teacher's work email address appears in the subscriber list of a forum that "
            "shares abuse material. Nothing else is known yet.",
            2,
            ["identify", "deconflict", "prosecutor", "child-protection"],
            "Works with children: level 2, even before any material is found.",
        ),
        (
            "Pupils' photographs",
            "A user takes photographs of pupils from a local school's public web page and "
            "shares manipulated sexualised versions in a group.",
            2,
            ["identify", "preserve", "child-protection", "victim-id"],
            "Real, identifiable local children are targeted: level 2.",
        ),
        (
            "A partner's children",
            "A possession-only report concerns a man whose partner has two young children "
            "living in the home, according to a recent domestic incident record.",
            2,
            ["identify", "child-protection", "search-plan"],
            "Possession alone would be level 4; access to children makes it level 2.",
        ),
        (
            "The group administrator",
            "The administrator of a sharing group with several hundred members is located in "
            "your country. There is no known contact with children.",
            3,
            ["identify", "preserve", "deconflict", "search-plan", "prosecutor"],
            "Organised, high-volume offending without known access: level 3.",
        ),
        (
            "Again",
            "A man convicted of possession five years ago is again reported downloading "
            "material. He lives alone and has no known contact with children.",
            3,
            ["identify", "search-plan", "deconflict"],
            "Repeat offending: level 3.",
        ),
        (
            "One address, one report",
            "A single report of an IP address downloading known material. No sign of contact, "
            "production or access to children.",
            4,
            ["identify", "search-plan"],
            "Possession without aggravating signs: level 4. Re-assess once the subscriber is "
            "known.",
        ),
        (
            "Forty reports of one video",
            "The same widely shared video has been reported forty times by different users. "
            "The hotline already knows it and the victim has been identified.",
            5,
            ["intel-log"],
            "Duplicate reports of known material: level 5.",
        ),
        (
            "Someone else's jurisdiction",
            "A report concerns an IP address in another country. Nothing links it to yours.",
            5,
            ["refer-jurisdiction", "intel-log"],
            "Not actionable here: level 5. Refer it so it is actionable somewhere.",
        ),
        (
            "Already in hand",
            "A referral duplicates a case another unit of your agency opened last week.",
            5,
            ["deconflict", "intel-log"],
            "Already under investigation: level 5 for you; pass anything new to the owning unit.",
        ),
    ],
}
