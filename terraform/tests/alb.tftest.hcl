# Unit tests of modules/alb with a mocked AWS provider.

mock_provider "aws" {
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
  name                     = "ecommerce-alb"
  vpc_id                   = "vpc-0a1b2c3d4e5f60718"
  subnet_ids               = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"]
  target_security_group_id = "sg-0a99a99a99a99a99a"
  target_instance_ids = {
    ecommerce_app_az1 = "i-0123456789abcdef1"
    ecommerce_app_az2 = "i-0123456789abcdef2"
  }
  tags = { Project = "ecommerce" }
}

run "http_only_forwards_to_the_app_servers" {
  command = apply

  module {
    source = "./modules/alb"
  }

  assert {
    condition     = aws_lb.this.drop_invalid_header_fields && !aws_lb.this.internal && aws_lb.this.load_balancer_type == "application" && aws_lb.this.subnets == toset(["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"])
    error_message = "A public ALB in the public subnets that drops invalid headers."
  }

  assert {
    condition     = aws_lb_target_group.app.port == 3000 && aws_lb_target_group.app.health_check[0].path == "/healthz" && aws_lb_target_group.app.health_check[0].matcher == "200"
    error_message = "The target group sends traffic to port 3000 and health-checks /healthz."
  }

  assert {
    condition     = aws_lb_target_group.app.health_check[0].interval == 5 && aws_lb_target_group.app.health_check[0].timeout == 2 && aws_lb_target_group.app.health_check[0].unhealthy_threshold == 2 && aws_lb_target_group.app.health_check[0].healthy_threshold == 2 && aws_lb_target_group.app.deregistration_delay == "30"
    error_message = "By default a dead target is out within 10 s (checks every 5 s, 2 failures, 2 s timeout) and a deregistered one drains for 30 s."
  }

  assert {
    condition     = { for k, a in aws_lb_target_group_attachment.app : k => a.target_id } == { ecommerce_app_az1 = "i-0123456789abcdef1", ecommerce_app_az2 = "i-0123456789abcdef2" }
    error_message = "One attachment per app server."
  }

  assert {
    condition     = aws_lb_listener.http.default_action[0].type == "forward" && length(aws_lb_listener.https) == 0
    error_message = "Without a certificate port 80 forwards to the app servers and there is no HTTPS listener."
  }

  assert {
    condition     = keys(aws_vpc_security_group_ingress_rule.listeners) == ["80-0.0.0.0/0"]
    error_message = "Without a certificate only port 80 is open."
  }

  assert {
    condition     = aws_vpc_security_group_ingress_rule.targets_from_alb.security_group_id == "sg-0a99a99a99a99a99a" && aws_vpc_security_group_ingress_rule.targets_from_alb.referenced_security_group_id == aws_security_group.this.id && aws_vpc_security_group_ingress_rule.targets_from_alb.from_port == 3000
    error_message = "The app servers accept port 3000 from the ALB's security group only."
  }

  assert {
    condition     = output.url == "http://ecommerce-alb-123456789.us-east-1.elb.amazonaws.com"
    error_message = "The URL is plain HTTP without a certificate."
  }
}

run "a_certificate_adds_https_and_redirects_http" {
  command = apply

  module {
    source = "./modules/alb"
  }

  variables {
    certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/0e2f4b1c-1111-2222-3333-444455556666"
  }

  assert {
    condition     = aws_lb_listener.http.default_action[0].type == "redirect" && aws_lb_listener.http.default_action[0].redirect[0].protocol == "HTTPS" && aws_lb_listener.http.default_action[0].redirect[0].status_code == "HTTP_301"
    error_message = "With a certificate HTTP redirects to HTTPS."
  }

  assert {
    condition     = aws_lb_listener.https[0].port == 443 && aws_lb_listener.https[0].protocol == "HTTPS" && aws_lb_listener.https[0].default_action[0].type == "forward" && startswith(aws_lb_listener.https[0].ssl_policy, "ELBSecurityPolicy-TLS13")
    error_message = "The HTTPS listener forwards with a TLS 1.3 policy."
  }

  assert {
    condition     = toset(keys(aws_vpc_security_group_ingress_rule.listeners)) == toset(["80-0.0.0.0/0", "443-0.0.0.0/0"])
    error_message = "With a certificate 80 and 443 are open."
  }

  assert {
    condition     = startswith(output.url, "https://")
    error_message = "The URL is HTTPS with a certificate."
  }
}

run "certificate_must_be_an_acm_arn" {
  command = plan

  module {
    source = "./modules/alb"
  }

  variables {
    certificate_arn = "my-cert"
  }

  expect_failures = [var.certificate_arn]
}

run "one_subnet_is_refused" {
  command = plan

  module {
    source = "./modules/alb"
  }

  variables {
    subnet_ids = ["subnet-0aaaaaaaaaaaaaaa1"]
  }

  expect_failures = [var.subnet_ids]
}

run "health_check_settings_are_passed_to_the_target_group" {
  command = plan

  module {
    source = "./modules/alb"
  }

  variables {
    health_check_interval            = 10
    health_check_timeout             = 4
    health_check_unhealthy_threshold = 3
    health_check_healthy_threshold   = 5
    deregistration_delay             = 10
  }

  assert {
    condition     = aws_lb_target_group.app.health_check[0].interval == 10 && aws_lb_target_group.app.health_check[0].timeout == 4 && aws_lb_target_group.app.health_check[0].unhealthy_threshold == 3 && aws_lb_target_group.app.health_check[0].healthy_threshold == 5 && aws_lb_target_group.app.deregistration_delay == "10"
    error_message = "The health check and the deregistration delay follow the variables."
  }
}

run "a_health_check_interval_below_the_albs_minimum_is_refused" {
  command = plan

  module {
    source = "./modules/alb"
  }

  variables {
    health_check_interval = 1
  }

  expect_failures = [var.health_check_interval]
}

run "a_health_check_timeout_as_long_as_the_interval_is_refused" {
  command = plan

  module {
    source = "./modules/alb"
  }

  variables {
    health_check_interval = 5
    health_check_timeout  = 5
  }

  expect_failures = [var.health_check_timeout]
}

run "an_unhealthy_threshold_of_one_is_refused" {
  command = plan

  module {
    source = "./modules/alb"
  }

  variables {
    health_check_unhealthy_threshold = 1
  }

  expect_failures = [var.health_check_unhealthy_threshold]
}

run "a_negative_deregistration_delay_is_refused" {
  command = plan

  module {
    source = "./modules/alb"
  }

  variables {
    deregistration_delay = -1
  }

  expect_failures = [var.deregistration_delay]
}
