FORMAL = {44} | set(range(65, 80))
HARD = {44: "ambiguous", 62: "riddle-question", 63: "riddle-question", 64: "riddle-question", 37: "spoken-question", 30: "spoken-question"}
