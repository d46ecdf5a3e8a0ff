# Fraud detection (app/backend/fraud): tests, the seed-table report, evaluation, benchmarks.
#
#   make test-fraud      pytest (ML tests need no database; API/dashboard on real PostgreSQL;
#                        training and scoring inside the backend image)
#   make fraud-report    the seed's autoencoder table on the seed's data, side by side, then
#                        precision/recall/F1/ROC-AUC of both feature sets and the logistic
#                        regression's plots (reports/fraud/)
#   make image-fraud-api ecommerce-fraud-api:$(IMAGE_TAG): the scoring service (app/fraud-api)
#   make bench-fraud     batch scoring rows/s, training time, API p99; the service over HTTP
#                        (wrk, 50 connections) against in-process scoring

FRAUD_REFERENCE_DIR ?= $(abspath $(ROOT)/../shared/reference-data)
# One BLAS thread: the benchmark goal is per core, and tiny matrices gain nothing from more.
FRAUD_ONE_CORE := OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1

.PHONY: test-fraud fraud-report bench-fraud image-fraud-api

FRAUD_API_IMAGE := ecommerce-fraud-api:$(IMAGE_TAG)

image-fraud-api: images ## Build ecommerce-fraud-api:$(IMAGE_TAG) (gunicorn on 8001, non-root)
	$(call build-image,$(FRAUD_API_IMAGE),app/Dockerfile.fraud-api,app,--build-arg PYTHON_IMAGE=$(BACKEND_PYTHON_BASE))

# The image tests train and score inside the deployed backend image (built by backend.mk)
# and run the fraud API's image; fraud/tests also runs app/fraud-api as a real process.
test-fraud: venv image-backend image-fraud-api ## Fraud tests (reports/fraud.xml)
	@mkdir -p $(REPORTS)
	cd app/backend && BACKEND_IMAGE=$(BACKEND_IMAGE) FRAUD_API_IMAGE=$(FRAUD_API_IMAGE) \
	  $(BIN)/pytest -q -p no:cacheprovider \
	  fraud/tests --junitxml=$(REPORTS)/fraud.xml

fraud-report: venv ## Seed table side by side, feature-set metrics, logistic regression plots
	cd app/backend && $(BIN)/python -m fraud.ml.seed_report \
	  --reference-dir $(FRAUD_REFERENCE_DIR) --out $(REPORTS)/fraud
	cd app/backend && $(BIN)/python -m fraud.ml.evaluation --out $(REPORTS)/fraud

bench-fraud: venv ## Fraud benchmarks (reports/fraud/bench.json, reports/bench/fraud-api.json)
	@mkdir -p $(REPORTS)/fraud $(REPORTS)/bench
	cd app/backend && $(FRAUD_ONE_CORE) PYTHONPATH=. FRAUD_REFERENCE_DIR=$(FRAUD_REFERENCE_DIR) \
	  FRAUD_BENCH_OUT=$(REPORTS)/fraud/bench.json FRAUD_API_BENCH_OUT=$(REPORTS)/bench/fraud-api.json \
	  $(BIN)/pytest -c pytest.ini -q -s -p no:cacheprovider ../../bench/fraud/bench_fraud.py

TEST_TARGETS += test-fraud
