terraform {
  # 1.11: write-only arguments and ephemeral variables (the DB password).
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }

  # State is local by default. For a team, keep it in S3 with S3-native
  # locking: `ecomops provision --backend-config FILE` adds the backend
  # (backend.s3.tfbackend.example, README.md "State").
}

provider "aws" {
  region = var.region
}
