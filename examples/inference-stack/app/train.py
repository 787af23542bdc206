"""Train the example iris classifier and write it with joblib.

Uses the iris dataset bundled with scikit-learn (no network access).

    python train.py                                   # writes ./model/model.joblib
    python train.py --output /tmp/model/model.joblib
"""

import argparse
import os

import joblib
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def train(seed=42):
    X, y = load_iris(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, random_state=seed, stratify=y
    )
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000, random_state=seed))
    model.fit(X_train, y_train)
    return model, model.score(X_test, y_test)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--output",
        default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "model", "model.joblib"),
        help="where to write the model (default: ./model/model.joblib next to this script)",
    )
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    model, accuracy = train(args.seed)
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    joblib.dump(model, args.output)
    print(f"test accuracy {accuracy:.3f}; model written to {args.output}")


if __name__ == "__main__":
    main()
