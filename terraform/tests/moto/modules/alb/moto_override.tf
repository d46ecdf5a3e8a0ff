resource "aws_vpc_security_group_egress_rule" "to_targets" {
  lifecycle {
    ignore_changes = [description]
  }
}

resource "aws_vpc_security_group_ingress_rule" "targets_from_alb" {
  lifecycle {
    ignore_changes = [description]
  }
}
