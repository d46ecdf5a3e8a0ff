resource "aws_db_subnet_group" "this" {
  name        = var.identifier
  description = "Database subnets of ${var.identifier}"
  subnet_ids  = var.subnet_ids

  tags = merge(var.tags, { Name = var.identifier })
}

# A name prefix, so that a new family (major upgrade) can be created before
# the old group is released.
resource "aws_db_parameter_group" "this" {
  name_prefix = "${var.identifier}-postgres${var.engine_version}-"
  family      = "postgres${var.engine_version}"
  description = "PostgreSQL ${var.engine_version} settings of ${var.identifier}"

  # Clients must use TLS; psycopg's default sslmode=prefer already does.
  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  # Schema changes and slow queries end up in the exported postgresql log.
  parameter {
    name  = "log_statement"
    value = "ddl"
  }

  parameter {
    name  = "log_min_duration_statement"
    value = "1000"
  }

  tags = merge(var.tags, { Name = var.identifier })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_security_group" "this" {
  name        = "${var.identifier}-db"
  description = "PostgreSQL of ${var.identifier}: reachable from the app servers only"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.identifier}-db" })
}

resource "aws_vpc_security_group_ingress_rule" "postgres_from_clients" {
  security_group_id            = aws_security_group.this.id
  description                  = "PostgreSQL from the app servers"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = var.client_security_group_id

  tags = var.tags
}

resource "aws_vpc_security_group_egress_rule" "clients_to_postgres" {
  security_group_id            = var.client_security_group_id
  description                  = "PostgreSQL on ${var.identifier}"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.this.id

  tags = var.tags
}

resource "aws_db_instance" "this" {
  # checkov:skip=CKV_AWS_118:Enhanced Monitoring needs an extra IAM role for RDS; Performance Insights, CloudWatch metrics and the exported postgresql log cover operations.
  # checkov:skip=CKV_AWS_354:Performance Insights is encrypted with the AWS-managed aws/rds key; a customer-managed key (cost, key policy) is an account-level decision.
  identifier     = var.identifier
  engine         = "postgres"
  engine_version = var.engine_version
  instance_class = var.instance_class

  db_name  = var.db_name
  username = var.username
  port     = 5432

  manage_master_user_password = var.manage_master_user_password ? true : null
  password_wo                 = var.manage_master_user_password ? null : var.master_password
  password_wo_version         = var.manage_master_user_password ? null : var.master_password_version

  allocated_storage     = var.allocated_storage
  max_allocated_storage = var.max_allocated_storage
  storage_type          = "gp3"
  storage_encrypted     = true

  db_subnet_group_name   = aws_db_subnet_group.this.name
  vpc_security_group_ids = [aws_security_group.this.id]
  parameter_group_name   = aws_db_parameter_group.this.name
  publicly_accessible    = false
  multi_az               = var.multi_az

  backup_retention_period   = var.backup_retention_period
  copy_tags_to_snapshot     = true
  deletion_protection       = var.deletion_protection
  skip_final_snapshot       = var.skip_final_snapshot
  final_snapshot_identifier = var.skip_final_snapshot ? null : "${var.identifier}-final"

  auto_minor_version_upgrade          = true
  iam_database_authentication_enabled = true
  enabled_cloudwatch_logs_exports     = ["postgresql", "upgrade"]
  performance_insights_enabled        = true

  tags = merge(var.tags, { Name = var.identifier })
}
