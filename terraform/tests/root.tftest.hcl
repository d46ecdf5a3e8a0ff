# The whole root module with a mocked AWS provider: wiring, the inventory
# output the wrapper reads (inventories/CONTRACT.md) and input validation.
# Plan-only runs (an ephemeral variable cannot cross from plan to apply in a
# test run); override_during = plan makes the mocked values known at plan.

mock_provider "aws" {
  override_during = plan

  mock_data "aws_availability_zones" {
    defaults = {
      names = ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"]
    }
  }

  mock_data "aws_ami" {
    defaults = {
      id = "ami-0e2c8caa4b6378d8c"
    }
  }

  mock_data "aws_vpc" {
    defaults = {
      id                  = "vpc-0d3fau1t000000000"
      cidr_block          = "172.31.0.0/16"
      main_route_table_id = "rtb-0d3fau1t000000000"
    }
  }

  mock_data "aws_subnet" {
    defaults = {
      id                = "subnet-0d3fau1t00000001"
      availability_zone = "us-east-1a"
    }
  }

  mock_resource "aws_security_group" {
    defaults = {
      id = "sg-0a1b2c3d4e5f60718"
    }
  }

  mock_resource "aws_instance" {
    defaults = {
      id         = "i-0123456789abcdef0"
      private_ip = "10.0.11.10"
    }
  }

  mock_resource "aws_eip" {
    defaults = {
      public_ip = "203.0.113.10"
    }
  }

  mock_resource "aws_db_instance" {
    defaults = {
      address = "ecommerce-db.c9akciq32.us-east-1.rds.amazonaws.com"
      # What RDS reports with manage_master_user_password.
      master_user_secret = [{ secret_arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-3f1c-AbCdEf", secret_status = "active", kms_key_id = "" }]
    }
  }

  mock_resource "aws_lb" {
    defaults = {
      arn      = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/ecommerce-alb/50dc6c495c0c9188"
      dns_name = "ecommerce-alb-123456789.us-east-1.elb.amazonaws.com"
    }
  }

  mock_resource "aws_lb_target_group" {
    defaults = {
      arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/ecommerce-alb-app/73e2d6bc24d8a067"
    }
  }
}

variables {
  admin_cidrs = ["203.0.113.0/24"]
  key_name    = "ecomops"
}

run "inventory_output_follows_the_contract" {
  command = plan

  variables {
    app_count = 3
  }

  assert {
    condition     = output.inventory.schema == 1 && output.inventory.project == "ecommerce" && output.inventory.environment == "aws" && output.inventory.region == "us-east-1" && output.inventory.ssh_user == "ubuntu"
    error_message = "The inventory header is schema 1 for project ecommerce on AWS."
  }

  assert {
    condition     = [for b in output.inventory.bastions : "${b.name}@${b.az}"] == ["ecommerce_bastion_az1@us-east-1a", "ecommerce_bastion_az2@us-east-1b"]
    error_message = "One bastion per AZ, named after its AZ's position."
  }

  assert {
    condition     = [for a in output.inventory.app_servers : "${a.name}@${a.az}"] == ["ecommerce_app_az1@us-east-1a", "ecommerce_app_az1_2@us-east-1a", "ecommerce_app_az2@us-east-1b"]
    error_message = "Three app servers over two AZs."
  }

  assert {
    condition     = alltrue([for a in output.inventory.app_servers : length([for b in output.inventory.bastions : b if b.az == a.az]) == 1])
    error_message = "Every app server's AZ has exactly one bastion (the contract's ProxyJump rule)."
  }

  assert {
    condition = length(distinct(concat(
      [for b in output.inventory.bastions : b.name],
      [for a in output.inventory.app_servers : a.name],
      [output.inventory.monitoring.name],
    ))) == 6
    error_message = "Host names are unique across all hosts."
  }

  assert {
    condition = (
      keys(output.inventory) == ["app_servers", "bastions", "database", "environment", "load_balancer", "monitoring", "project", "region", "schema", "ssh_user"] &&
      keys(output.inventory.bastions[0]) == ["az", "name", "private_ip", "public_ip", "ssh_port"] &&
      keys(output.inventory.app_servers[0]) == ["az", "instance_id", "name", "private_ip"] &&
      keys(output.inventory.monitoring) == ["az", "name", "private_ip", "public_ip", "ssh_port"] &&
      keys(output.inventory.database) == ["address", "name", "password_secret_arn", "port", "username"] &&
      keys(output.inventory.load_balancer) == ["dns_name", "haproxy_backend", "haproxy_socket", "kind", "target_group_arn", "url"]
    )
    error_message = "The inventory has exactly the fields of inventories/CONTRACT.md."
  }

  assert {
    condition     = output.inventory.bastions[0].public_ip == "203.0.113.10" && output.inventory.bastions[0].ssh_port == 22 && output.inventory.monitoring.public_ip == "203.0.113.10" && output.inventory.monitoring.name == "ecommerce_monitoring"
    error_message = "Bastions and the monitoring server are reached on their Elastic IPs, port 22."
  }

  assert {
    condition     = output.inventory.database == { address = "ecommerce-db.c9akciq32.us-east-1.rds.amazonaws.com", port = 5432, name = "ecommerce", username = "ecommerce", password_secret_arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-3f1c-AbCdEf" }
    error_message = "The database entry names the RDS endpoint, port, database and user, and by default the secret RDS generated the password into."
  }

  assert {
    condition     = output.db_master_user_secret_arn == "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-3f1c-AbCdEf"
    error_message = "By default (db_manage_master_user_password) the secret's ARN is an output."
  }

  assert {
    condition = output.inventory.load_balancer == {
      kind             = "alb"
      dns_name         = "ecommerce-alb-123456789.us-east-1.elb.amazonaws.com"
      url              = "http://ecommerce-alb-123456789.us-east-1.elb.amazonaws.com"
      target_group_arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/ecommerce-alb-app/73e2d6bc24d8a067"
      haproxy_socket   = null
      haproxy_backend  = null
    }
    error_message = "The load balancer entry is the ALB with its target group."
  }

  assert {
    # The one mention of a secret is the database password's ARN.
    condition     = !can(regex("(?i)password|secret", jsonencode(merge(output.inventory, { database = { for k, v in output.inventory.database : k => v if k != "password_secret_arn" } }))))
    error_message = "No secret in the inventory."
  }

  assert {
    condition     = length(module.vpc.nat_gateway_ids) == 2 && output.ami_id == "ami-0e2c8caa4b6378d8c"
    error_message = "Defaults: one NAT gateway per AZ, the Ubuntu AMI from the lookup."
  }
}

run "a_given_database_password_has_no_secret_arn" {
  command = plan

  variables {
    db_manage_master_user_password = false
    db_master_password             = "correct-horse-battery"
  }

  # What RDS reports when it manages no password.
  override_resource {
    target          = module.rds.aws_db_instance.this
    override_during = plan
    values = {
      master_user_secret = []
    }
  }

  assert {
    condition     = output.db_master_user_secret_arn == null && output.inventory.database.password_secret_arn == null
    error_message = "With db_master_password there is no secret: the deploy takes ECOMOPS_DB_PASSWORD."
  }
}

run "az_count_and_single_nat_gateway" {
  command = plan

  variables {
    az_count           = 3
    single_nat_gateway = true
    app_count          = 3
    ami_id             = "ami-0123456789abcdef0"
    vpc_cidr           = "10.20.0.0/16"
  }

  assert {
    condition = module.vpc.subnet_cidr_blocks == {
      public   = ["10.20.1.0/24", "10.20.2.0/24", "10.20.3.0/24"]
      private  = ["10.20.11.0/24", "10.20.12.0/24", "10.20.13.0/24"]
      database = ["10.20.21.0/24", "10.20.22.0/24", "10.20.23.0/24"]
    }
    error_message = "Subnets are carved from vpc_cidr: public 1..N, private 11..N+10, database 21..N+20."
  }

  assert {
    condition     = module.vpc.azs == tolist(["us-east-1a", "us-east-1b", "us-east-1c"]) && length(module.vpc.private_subnet_ids) == 3 && length(module.vpc.nat_gateway_ids) == 1
    error_message = "Three AZs with one shared NAT gateway."
  }

  assert {
    condition     = [for a in output.inventory.app_servers : a.az] == ["us-east-1a", "us-east-1b", "us-east-1c"] && length(output.inventory.bastions) == 3
    error_message = "Three app servers land in three AZs, each with its bastion."
  }

  assert {
    condition     = output.ami_id == "ami-0123456789abcdef0"
    error_message = "ami_id overrides the lookup."
  }
}

run "admin_cidrs_must_not_be_the_world" {
  command = plan

  variables {
    admin_cidrs = ["203.0.113.0/24", "0.0.0.0/0"]
  }

  expect_failures = [var.admin_cidrs]
}

run "one_az_is_not_highly_available" {
  command = plan

  variables {
    az_count = 1
  }

  expect_failures = [var.az_count]
}

run "vpc_cidr_must_fit_the_subnet_plan" {
  command = plan

  variables {
    vpc_cidr = "10.0.0.0/8"
  }

  expect_failures = [var.vpc_cidr]
}

run "project_must_be_a_host_name_prefix" {
  command = plan

  variables {
    project = "E-Commerce"
  }

  expect_failures = [var.project]
}
