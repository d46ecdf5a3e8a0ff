locals {
  az_count = length(var.azs)

  # Every host in one map so that one aws_instance resource, with one set of
  # hardening settings, creates them all. Keys are the Ansible host names.
  bastions = {
    for i, az in var.azs : "${var.name}_bastion_az${i + 1}" => {
      role      = "bastion"
      az        = az
      subnet_id = var.public_subnet_ids[i]
      public    = true
    }
  }
  # App server i goes to AZ i mod N; the first one in an AZ is <name>_app_azN,
  # the following ones <name>_app_azN_2, _3, ...
  app_servers = {
    for i in range(var.app_count) :
    "${var.name}_app_az${i % local.az_count + 1}${floor(i / local.az_count) == 0 ? "" : "_${floor(i / local.az_count) + 1}"}" => {
      role      = "app"
      az        = var.azs[i % local.az_count]
      subnet_id = var.private_subnet_ids[i % local.az_count]
      public    = false
    }
  }
  monitoring = {
    "${var.name}_monitoring" = {
      role      = "monitoring"
      az        = var.monitoring_az
      subnet_id = var.monitoring_subnet_id
      public    = true
    }
  }
  hosts = merge(local.bastions, local.app_servers, local.monitoring)

  security_group_ids = {
    bastion    = aws_security_group.bastion.id
    app        = var.app_security_group_id
    monitoring = aws_security_group.monitoring.id
  }

  # Package mirrors, the image registry and the ACME/TLS endpoints hosts pull from.
  internet_egress_ports = [80, 443]
}

resource "aws_security_group" "bastion" {
  name        = "${var.name}-bastion"
  description = "SSH bastions: SSH from the admins, SSH on to the app servers"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-bastion" })
}

resource "aws_security_group" "monitoring" {
  name        = "${var.name}-monitoring"
  description = "Monitoring server: SSH from the bastions, Prometheus and Grafana from the admins; scrapes the app servers"
  vpc_id      = var.monitoring_vpc_id

  tags = merge(var.tags, { Name = "${var.name}-monitoring" })
}

resource "aws_vpc_security_group_ingress_rule" "bastion_ssh" {
  for_each = toset(var.admin_cidrs)

  security_group_id = aws_security_group.bastion.id
  description       = "SSH from the admins"
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv4         = each.value

  tags = var.tags
}

resource "aws_vpc_security_group_egress_rule" "bastion_ssh_to_app" {
  security_group_id            = aws_security_group.bastion.id
  description                  = "SSH on to the app servers (ProxyJump)"
  ip_protocol                  = "tcp"
  from_port                    = 22
  to_port                      = 22
  referenced_security_group_id = var.app_security_group_id

  tags = var.tags
}

# The monitoring server, like the app servers, is configured through the
# bastions (ProxyJump over the VPC peering), never straight from the internet.
resource "aws_vpc_security_group_egress_rule" "bastion_ssh_to_monitoring" {
  security_group_id            = aws_security_group.bastion.id
  description                  = "SSH on to the monitoring server (ProxyJump)"
  ip_protocol                  = "tcp"
  from_port                    = 22
  to_port                      = 22
  referenced_security_group_id = aws_security_group.monitoring.id

  tags = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "monitoring_ssh_from_bastion" {
  # checkov:skip=CKV_AWS_24:False positive: the source is the bastions' security group, not a CIDR.
  security_group_id            = aws_security_group.monitoring.id
  description                  = "SSH from the bastions"
  ip_protocol                  = "tcp"
  from_port                    = 22
  to_port                      = 22
  referenced_security_group_id = aws_security_group.bastion.id

  tags = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "app_ssh_from_bastion" {
  # checkov:skip=CKV_AWS_24:False positive: the source is the bastions' security group, not a CIDR.
  security_group_id            = var.app_security_group_id
  description                  = "SSH from the bastions"
  ip_protocol                  = "tcp"
  from_port                    = 22
  to_port                      = 22
  referenced_security_group_id = aws_security_group.bastion.id

  tags = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "app_metrics_from_monitoring" {
  for_each = toset([for port in var.metrics_ports : tostring(port)])

  security_group_id            = var.app_security_group_id
  description                  = "Metrics scraped by the monitoring server"
  ip_protocol                  = "tcp"
  from_port                    = tonumber(each.value)
  to_port                      = tonumber(each.value)
  referenced_security_group_id = aws_security_group.monitoring.id

  tags = var.tags
}

resource "aws_vpc_security_group_egress_rule" "monitoring_scrape_app" {
  for_each = toset([for port in var.metrics_ports : tostring(port)])

  security_group_id            = aws_security_group.monitoring.id
  description                  = "Scrape the app servers' metrics"
  ip_protocol                  = "tcp"
  from_port                    = tonumber(each.value)
  to_port                      = tonumber(each.value)
  referenced_security_group_id = var.app_security_group_id

  tags = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "monitoring_from_admins" {
  for_each = {
    for pair in setproduct(var.admin_cidrs, var.monitoring_ports) :
    "${pair[1]}-${pair[0]}" => { cidr = pair[0], port = pair[1] }
  }

  security_group_id = aws_security_group.monitoring.id
  description       = "Dashboards from the admins"
  ip_protocol       = "tcp"
  from_port         = each.value.port
  to_port           = each.value.port
  cidr_ipv4         = each.value.cidr

  tags = var.tags
}

# Every host installs packages and pulls images: HTTP(S) out, nothing else.
resource "aws_vpc_security_group_egress_rule" "internet" {
  for_each = {
    for pair in setproduct(keys(local.security_group_ids), local.internet_egress_ports) :
    "${pair[0]}-${pair[1]}" => { role = pair[0], port = pair[1] }
  }

  security_group_id = local.security_group_ids[each.value.role]
  description       = "Packages and images over HTTP(S)"
  ip_protocol       = "tcp"
  from_port         = each.value.port
  to_port           = each.value.port
  cidr_ipv4         = "0.0.0.0/0"

  tags = var.tags
}

resource "aws_instance" "this" {
  # checkov:skip=CKV2_AWS_41:The hosts call no AWS API (Ansible configures them over SSH, the app uses no AWS service); an instance role would only widen what a compromised host could do.
  for_each = local.hosts

  ami                    = var.ami_id
  instance_type          = var.instance_types[each.value.role]
  key_name               = var.key_name
  subnet_id              = each.value.subnet_id
  vpc_security_group_ids = [local.security_group_ids[each.value.role]]
  monitoring             = var.detailed_monitoring
  ebs_optimized          = true

  # IMDSv2 only; one hop, so containers on the host cannot reach the metadata service.
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  root_block_device {
    encrypted   = true
    volume_type = "gp3"
    volume_size = var.root_volume_sizes[each.value.role]
  }

  tags        = merge(var.tags, { Name = each.key, Role = each.value.role, AZ = each.value.az })
  volume_tags = merge(var.tags, { Name = each.key, Role = each.value.role, AZ = each.value.az })

  lifecycle {
    # A newer AMI must not replace running servers; roll them deliberately.
    ignore_changes = [ami]
  }
}

# Bastions and the monitoring server get an Elastic IP rather than an
# automatic public address: it survives stop/start, so admins' known_hosts,
# allow-lists and the generated inventory stay valid.
resource "aws_eip" "public" {
  for_each = { for name, host in local.hosts : name => host if host.public }

  domain   = "vpc"
  instance = aws_instance.this[each.key].id

  tags = merge(var.tags, { Name = each.key, Role = each.value.role, AZ = each.value.az })
}
