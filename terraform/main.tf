locals {
  azs    = slice(data.aws_availability_zones.available.names, 0, var.az_count)
  ami_id = coalesce(var.ami_id, one(data.aws_ami.ubuntu[*].id))

  tags = merge(var.tags, {
    Project   = var.project
    ManagedBy = "terraform"
  })
}

data "aws_availability_zones" "available" {
  # checkov:skip=CKV_AWS_394:Only the first az_count zone names are used: a zone AWS adds sorts after them, and no state filter lets a degraded zone shift the list, so growth never moves a subnet.
  filter {
    name   = "opt-in-status"
    values = ["opt-in-not-required"]
  }

  lifecycle {
    postcondition {
      condition     = length(self.names) >= var.az_count
      error_message = "${var.region} has ${length(self.names)} usable availability zones; lower az_count."
    }
  }
}

data "aws_ami" "ubuntu" {
  count = var.ami_id == null ? 1 : 0

  most_recent = true
  owners      = var.ami_owners

  filter {
    name   = "name"
    values = [var.ami_name_pattern]
  }

  filter {
    name   = "virtualization-type"
    values = ["hvm"]
  }
}

module "vpc" {
  source = "./modules/vpc"

  name               = var.vpc_name
  cidr               = var.vpc_cidr
  azs                = local.azs
  public_subnets     = [for i in range(var.az_count) : cidrsubnet(var.vpc_cidr, 8, i + 1)]
  private_subnets    = [for i in range(var.az_count) : cidrsubnet(var.vpc_cidr, 8, i + 11)]
  database_subnets   = [for i in range(var.az_count) : cidrsubnet(var.vpc_cidr, 8, i + 21)]
  single_nat_gateway = var.single_nat_gateway
  tags               = local.tags
}

module "rds" {
  source = "./modules/rds"

  identifier                  = "${var.project}-db"
  vpc_id                      = module.vpc.vpc_id
  subnet_ids                  = module.vpc.database_subnet_ids
  client_security_group_id    = module.vpc.app_security_group_id
  engine_version              = var.db_engine_version
  instance_class              = var.db_instance_class
  allocated_storage           = var.db_allocated_storage
  db_name                     = var.project
  username                    = var.project
  manage_master_user_password = var.db_manage_master_user_password
  master_password             = var.db_master_password
  master_password_version     = var.db_master_password_version
  multi_az                    = var.db_multi_az
  backup_retention_period     = var.db_backup_retention_period
  deletion_protection         = var.db_deletion_protection
  skip_final_snapshot         = var.db_skip_final_snapshot
  tags                        = local.tags
}

# The monitoring server lives in the default VPC, in the default subnet of the first AZ.
data "aws_subnet" "monitoring" {
  vpc_id            = module.vpc.default_vpc_id
  availability_zone = local.azs[0]
  default_for_az    = true
}

module "ec2" {
  source = "./modules/ec2"

  name                  = var.project
  vpc_id                = module.vpc.vpc_id
  azs                   = module.vpc.azs
  public_subnet_ids     = module.vpc.public_subnet_ids
  private_subnet_ids    = module.vpc.private_subnet_ids
  app_security_group_id = module.vpc.app_security_group_id
  monitoring_vpc_id     = module.vpc.default_vpc_id
  monitoring_subnet_id  = data.aws_subnet.monitoring.id
  monitoring_az         = data.aws_subnet.monitoring.availability_zone
  admin_cidrs           = var.admin_cidrs
  app_count             = var.app_count
  key_name              = var.key_name
  ami_id                = local.ami_id
  instance_types        = var.instance_types
  root_volume_sizes     = var.root_volume_sizes
  detailed_monitoring   = var.detailed_monitoring
  tags                  = local.tags

  # Ansible migrates the database from the first app server as soon as the
  # instances answer: the database is created first, as in the seed. The
  # module holds no data source, so this orders creation and nothing else.
  depends_on = [module.rds]
}

module "alb" {
  source = "./modules/alb"

  name                     = "${var.project}-alb"
  vpc_id                   = module.vpc.vpc_id
  subnet_ids               = module.vpc.public_subnet_ids
  target_security_group_id = module.vpc.app_security_group_id
  target_instance_ids      = module.ec2.app_instance_ids
  ingress_cidrs            = var.alb_ingress_cidrs
  certificate_arn          = var.certificate_arn
  deletion_protection      = var.alb_deletion_protection
  access_logs_bucket       = var.alb_access_logs_bucket
  tags                     = local.tags
}
