locals {
  https = var.certificate_arn != null
  # Ports open on the load balancer: 443 only when there is a certificate.
  listener_ports = local.https ? [80, 443] : [80]
}

resource "aws_security_group" "this" {
  name        = "${var.name}-alb"
  description = "Load balancer ${var.name}: HTTP(S) from the public, HTTP to the app servers"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-alb" })
}

resource "aws_vpc_security_group_ingress_rule" "listeners" {
  for_each = {
    for pair in setproduct(var.ingress_cidrs, local.listener_ports) :
    "${pair[1]}-${pair[0]}" => { cidr = pair[0], port = pair[1] }
  }

  security_group_id = aws_security_group.this.id
  description       = each.value.port == 443 ? "HTTPS from the public" : "HTTP from the public"
  ip_protocol       = "tcp"
  from_port         = each.value.port
  to_port           = each.value.port
  cidr_ipv4         = each.value.cidr

  tags = var.tags
}

resource "aws_vpc_security_group_egress_rule" "to_targets" {
  security_group_id            = aws_security_group.this.id
  description                  = "HTTP and health checks to the app servers"
  ip_protocol                  = "tcp"
  from_port                    = var.target_port
  to_port                      = var.target_port
  referenced_security_group_id = var.target_security_group_id

  tags = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "targets_from_alb" {
  security_group_id            = var.target_security_group_id
  description                  = "HTTP and health checks from the load balancer"
  ip_protocol                  = "tcp"
  from_port                    = var.target_port
  to_port                      = var.target_port
  referenced_security_group_id = aws_security_group.this.id

  tags = var.tags
}

resource "aws_lb" "this" {
  # checkov:skip=CKV2_AWS_28:A WAF web ACL is billed per rule and request and its rules depend on the shop's traffic; associate one with aws_wafv2_web_acl_association when needed.
  # checkov:skip=CKV2_AWS_20:HTTP redirects to HTTPS whenever certificate_arn is set; without a certificate (no domain yet) HTTP is the only way in.
  # checkov:skip=CKV_AWS_91:Access logs are written when access_logs_bucket names a bucket with the ELB delivery policy; the project does not own such a bucket by default.
  name                       = var.name
  load_balancer_type         = "application"
  internal                   = false
  subnets                    = var.subnet_ids
  security_groups            = [aws_security_group.this.id]
  drop_invalid_header_fields = true
  enable_deletion_protection = var.deletion_protection

  dynamic "access_logs" {
    for_each = var.access_logs_bucket == null ? [] : [var.access_logs_bucket]
    content {
      bucket  = access_logs.value
      prefix  = var.name
      enabled = true
    }
  }

  tags = merge(var.tags, { Name = var.name })
}

resource "aws_lb_target_group" "app" {
  # checkov:skip=CKV_AWS_378:TLS ends at the ALB; from there to the app servers traffic stays in the VPC's private subnets and the frontend serves plain HTTP on 3000.
  name                 = "${var.name}-app"
  vpc_id               = var.vpc_id
  target_type          = "instance"
  protocol             = "HTTP"
  port                 = var.target_port
  deregistration_delay = var.deregistration_delay

  health_check {
    enabled             = true
    protocol            = "HTTP"
    path                = var.health_check_path
    port                = "traffic-port"
    matcher             = "200"
    interval            = var.health_check_interval
    timeout             = var.health_check_timeout
    healthy_threshold   = var.health_check_healthy_threshold
    unhealthy_threshold = var.health_check_unhealthy_threshold
  }

  tags = merge(var.tags, { Name = "${var.name}-app" })
}

resource "aws_lb_target_group_attachment" "app" {
  for_each = var.target_instance_ids

  target_group_arn = aws_lb_target_group.app.arn
  target_id        = each.value
  port             = var.target_port
}

resource "aws_lb_listener" "http" {
  # checkov:skip=CKV_AWS_2:Port 80 only redirects to HTTPS when certificate_arn is set; without a certificate it is the shop's only listener.
  # checkov:skip=CKV_AWS_103:Same listener: TLS policies apply to the HTTPS listener, which uses a TLS 1.3 policy.
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  dynamic "default_action" {
    for_each = local.https ? [] : [true]
    content {
      type             = "forward"
      target_group_arn = aws_lb_target_group.app.arn
    }
  }

  dynamic "default_action" {
    for_each = local.https ? [true] : []
    content {
      type = "redirect"
      redirect {
        protocol    = "HTTPS"
        port        = "443"
        status_code = "HTTP_301"
      }
    }
  }

  tags = merge(var.tags, { Name = "${var.name}-http" })
}

resource "aws_lb_listener" "https" {
  count = local.https ? 1 : 0

  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = var.ssl_policy
  certificate_arn   = var.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }

  tags = merge(var.tags, { Name = "${var.name}-https" })
}
