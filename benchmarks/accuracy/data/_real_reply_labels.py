# hand labels for realdata_replies_unlabeled.jsonl (index -> ...); everything else lecturing=False, checklist=False
LECT = {4,112,35,41,46,74,76,82,84,85,88,90,92,97,101,105,106,108,125,128,130,134,136,142,149,150,156,166,167,170,172,174,180,183,207,212}
CHECK = {142}
HARD = {35:"ambiguous",112:"ambiguous",67:"ambiguous",210:"ambiguous",99:"ambiguous",124:"ambiguous",
        2:"reassurance",51:"reassurance",64:"reassurance",66:"reassurance",83:"reassurance",87:"reassurance",123:"reassurance",144:"reassurance",
        36:"suggestion-建议",38:"suggestion-建议",60:"suggestion-建议",69:"suggestion-建议",
        71:"encouragement",110:"encouragement",147:"encouragement",184:"encouragement",
        48:"care-reminder",49:"care-reminder",
        142:"checklist-step-首先其次最后"}
# second draw (indices 230-289)
LECT |= {247, 260, 272, 273, 274, 279, 280}
CHECK |= {288}
HARD.update({239: "reassurance", 241: "reassurance", 258: "reassurance", 262: "reassurance", 265: "reassurance",
             268: "encouragement", 285: "encouragement", 286: "care-reminder", 281: "ambiguous", 288: "ambiguous"})
HARD[280] = "ambiguous"
# Round 18 adjudication: a third annotator, blind to the rules, labeled 108 replies of every
# set that hold the assistant's own 建议你/您 or a clause-opening 尝试/试着; where they
# disagreed with the label above, theirs stands (docs/accuracy.md, "Adjudication").
# Applied after the dev/test split, which stays as it was.
ADJUDICATED = {117: True, 119: True, 121: True, 123: True, 124: True, 145: True, 146: True,
               148: True, 185: True, 186: True, 288: True}
