resource "aws_vpc_security_group_egress_rule" "bastion_ssh_to_app" {
  lifecycle {
    ignore_changes = [description]
  }
}

resource "aws_vpc_security_group_ingress_rule" "app_ssh_from_bastion" {
  lifecycle {
    ignore_changes = [description]
  }
}

resource "aws_vpc_security_group_ingress_rule" "app_metrics_from_monitoring" {
  lifecycle {
    ignore_changes = [description]
  }
}

resource "aws_vpc_security_group_egress_rule" "monitoring_scrape_app" {
  lifecycle {
    ignore_changes = [description]
  }
}

resource "aws_vpc_security_group_egress_rule" "bastion_ssh_to_monitoring" {
  lifecycle {
    ignore_changes = [description]
  }
}

resource "aws_vpc_security_group_ingress_rule" "monitoring_ssh_from_bastion" {
  lifecycle {
    ignore_changes = [description]
  }
}
