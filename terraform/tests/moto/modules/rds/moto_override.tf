resource "aws_db_parameter_group" "this" {
  lifecycle {
    ignore_changes = [parameter]
  }
}

resource "aws_db_instance" "this" {
  lifecycle {
    ignore_changes = [performance_insights_enabled]
  }
}

resource "aws_vpc_security_group_ingress_rule" "postgres_from_clients" {
  lifecycle {
    ignore_changes = [description]
  }
}

resource "aws_vpc_security_group_egress_rule" "clients_to_postgres" {
  lifecycle {
    ignore_changes = [description]
  }
}
