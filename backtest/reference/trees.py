#!/usr/bin/python3
"""Gradient-boosted trees on the columns the backtest's rule sets read: the reference that
BACKTEST.md compares the calibrated points with. Not run by CI.

    /usr/bin/python3 backtest/reference/trees.py /path/to/datasets

Debian bookworm's python3-sklearn (1.2.1) and python3-pandas (1.5.3). For each dataset it
prints the mean ROC AUC of sklearn's HistGradientBoostingClassifier (default settings,
categoricals native) over 5 stratified folds (shuffled, seed 1), each fold scored after
fitting on the other four, the way backtest.Calibrate measures its held-out AUC.
"""
import sys

import numpy as np
import pandas as pd
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

DATA = sys.argv[1] if len(sys.argv) > 1 else "../shared/datasets"

# The columns examples/backtest and backtest/realdata_test.go map into leads.
XEDU_CAT = ["Lead Origin", "Lead Source", "Do Not Email", "Do Not Call", "Country",
            "Specialization", "How did you hear about X Education",
            "What is your current occupation", "What matters most to you in choosing a course",
            "City", "A free copy of Mastering The Interview"]
XEDU_NUM = ["TotalVisits", "Total Time Spent on Website", "Page Views Per Visit"]
SHOP_CAT = ["Month", "OperatingSystems", "Browser", "Region", "TrafficType", "VisitorType",
            "Weekend"]
SHOP_NUM = ["Administrative", "Administrative_Duration", "Informational",
            "Informational_Duration", "ProductRelated", "ProductRelated_Duration",
            "BounceRates", "ExitRates", "SpecialDay"]
BANK_CAT = ["job", "marital", "education", "default", "housing", "loan", "contact", "month",
            "poutcome"]
BANK_NUM = ["age", "balance", "pdays", "campaign", "previous"]  # duration left out


def held_out_auc(df, cat, num, y):
    x = pd.DataFrame()
    for c in cat:  # ordinal codes, treated as categories by the trees
        x[c] = df[c].astype(str).astype("category").cat.codes
    for c in num:
        x[c] = pd.to_numeric(df[c], errors="coerce")
    x = x.to_numpy(dtype=float)
    mask = np.array([True] * len(cat) + [False] * len(num))
    aucs = []
    for train, test in StratifiedKFold(5, shuffle=True, random_state=1).split(x, y):
        m = HistGradientBoostingClassifier(categorical_features=mask, random_state=1)
        m.fit(x[train], y[train])
        aucs.append(roc_auc_score(y[test], m.predict_proba(x[test])[:, 1]))
    return float(np.mean(aucs)), aucs


def main():
    print(f"scikit-learn {sklearn.__version__}, pandas {pd.__version__}, numpy {np.__version__}")
    runs = []
    xe = pd.read_csv(f"{DATA}/xeducation/Leads.csv")
    runs.append(("X Education", xe, XEDU_CAT, XEDU_NUM, xe["Converted"].to_numpy()))
    sh = pd.read_csv(f"{DATA}/online-shoppers/online_shoppers_intention.csv")
    y = sh["Revenue"].astype(str).eq("True").to_numpy()
    runs.append(("online shoppers without PageValues", sh, SHOP_CAT, SHOP_NUM, y))
    runs.append(("online shoppers with PageValues", sh, SHOP_CAT, SHOP_NUM + ["PageValues"], y))
    bank = pd.read_csv(f"{DATA}/bank-marketing/bank.csv", sep=";")
    runs.append(("bank marketing (bank.csv, no duration)", bank, BANK_CAT, BANK_NUM,
                 bank["y"].eq("yes").to_numpy()))
    for name, df, cat, num, y in runs:
        auc, folds = held_out_auc(df, cat, num, y)
        print(f"{name}: {auc:.3f} (folds {', '.join(f'{a:.3f}' for a in folds)})")


if __name__ == "__main__":
    main()
