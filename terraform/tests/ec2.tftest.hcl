# Unit tests of modules/ec2 with a mocked AWS provider.

mock_provider "aws" {}

variables {
  name                  = "ecommerce"
  vpc_id                = "vpc-0a1b2c3d4e5f60718"
  azs                   = ["us-east-1a", "us-east-1b"]
  public_subnet_ids     = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"]
  private_subnet_ids    = ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"]
  app_security_group_id = "sg-0a99a99a99a99a99a"
  monitoring_vpc_id     = "vpc-0d3fau1t000000000"
  monitoring_subnet_id  = "subnet-0d3fau1t00000001"
  monitoring_az         = "us-east-1a"
  admin_cidrs           = ["203.0.113.0/24", "198.51.100.7/32"]
  ami_id                = "ami-0123456789abcdef0"
  key_name              = "ecomops"
  tags                  = { Project = "ecommerce" }
}

run "hosts_are_named_spread_and_hardened" {
  command = apply

  module {
    source = "./modules/ec2"
  }

  variables {
    app_count = 5
  }

  assert {
    condition = keys(aws_instance.this) == [
      "ecommerce_app_az1", "ecommerce_app_az1_2", "ecommerce_app_az1_3", "ecommerce_app_az2", "ecommerce_app_az2_2",
      "ecommerce_bastion_az1", "ecommerce_bastion_az2", "ecommerce_monitoring",
    ]
    error_message = "Five app servers over two AZs, one bastion per AZ and one monitoring server, named for Ansible."
  }

  assert {
    condition = alltrue([
      for name, i in aws_instance.this : i.subnet_id == (
        i.tags.AZ == "us-east-1a" ? (i.tags.Role == "bastion" ? "subnet-0aaaaaaaaaaaaaaa1" : i.tags.Role == "app" ? "subnet-0bbbbbbbbbbbbbbb1" : "subnet-0d3fau1t00000001") :
        (i.tags.Role == "bastion" ? "subnet-0aaaaaaaaaaaaaaa2" : "subnet-0bbbbbbbbbbbbbbb2")
      )
    ])
    error_message = "Bastions sit in the public subnet, app servers in the private subnet of their AZ tag, monitoring in its own subnet."
  }

  assert {
    condition     = length([for i in aws_instance.this : i if i.tags.Role == "app" && i.tags.AZ == "us-east-1a"]) == 3 && length([for i in aws_instance.this : i if i.tags.Role == "app" && i.tags.AZ == "us-east-1b"]) == 2
    error_message = "App servers are spread round-robin: 3 in the first AZ, 2 in the second."
  }

  assert {
    condition     = alltrue([for name, i in aws_instance.this : i.tags.Name == name && i.tags.Project == "ecommerce" && contains(["bastion", "app", "monitoring"], i.tags.Role)])
    error_message = "Every instance carries Name, Project, Role and AZ tags so inventory can be built from tags."
  }

  assert {
    condition     = alltrue([for i in aws_instance.this : i.metadata_options[0].http_tokens == "required" && i.metadata_options[0].http_put_response_hop_limit == 1])
    error_message = "IMDSv2 is required on every instance."
  }

  assert {
    condition     = alltrue([for i in aws_instance.this : i.root_block_device[0].encrypted && i.root_block_device[0].volume_size >= 8])
    error_message = "Root volumes are encrypted and sized."
  }

  assert {
    condition     = aws_instance.this["ecommerce_app_az1"].root_block_device[0].volume_size == 30 && aws_instance.this["ecommerce_bastion_az1"].root_block_device[0].volume_size == 8
    error_message = "Root volume sizes follow the role defaults."
  }

  assert {
    condition     = alltrue([for i in aws_instance.this : i.key_name == "ecomops" && i.ami == "ami-0123456789abcdef0"])
    error_message = "Instances use the given key pair and AMI."
  }

  assert {
    condition     = keys(aws_eip.public) == ["ecommerce_bastion_az1", "ecommerce_bastion_az2", "ecommerce_monitoring"]
    error_message = "Only the bastions and the monitoring server get a public (Elastic) IP."
  }

  assert {
    condition     = alltrue([for a in output.app_servers : a.public_ip == null]) && alltrue([for b in output.bastions : b.public_ip != null])
    error_message = "App servers have no public address; bastions have one."
  }
}

run "security_groups_reference_each_other" {
  command = apply

  module {
    source = "./modules/ec2"
  }

  assert {
    condition     = toset([for r in aws_vpc_security_group_ingress_rule.bastion_ssh : r.cidr_ipv4]) == toset(["198.51.100.7/32", "203.0.113.0/24"]) && alltrue([for r in aws_vpc_security_group_ingress_rule.bastion_ssh : r.from_port == 22 && r.to_port == 22 && r.security_group_id == aws_security_group.bastion.id])
    error_message = "The bastions accept SSH from admin_cidrs and nothing else."
  }

  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.app_ssh_from_bastion.security_group_id == "sg-0a99a99a99a99a99a" &&
      aws_vpc_security_group_ingress_rule.app_ssh_from_bastion.referenced_security_group_id == aws_security_group.bastion.id &&
      aws_vpc_security_group_ingress_rule.app_ssh_from_bastion.from_port == 22
    )
    error_message = "App servers accept SSH from the bastions' security group only."
  }

  assert {
    condition = (
      toset([for r in aws_vpc_security_group_ingress_rule.app_metrics_from_monitoring : r.from_port]) == toset([8000, 8001, 9100]) &&
      alltrue([for r in aws_vpc_security_group_ingress_rule.app_metrics_from_monitoring : r.referenced_security_group_id == aws_security_group.monitoring.id && r.security_group_id == "sg-0a99a99a99a99a99a"])
    )
    error_message = "node_exporter (9100), the backend's (8000) and the fraud API's metrics (8001) are open to the monitoring server's group only."
  }

  assert {
    condition     = sort(keys(aws_vpc_security_group_ingress_rule.monitoring_from_admins)) == sort(flatten([for p in ["9090", "3000"] : [for c in ["203.0.113.0/24", "198.51.100.7/32"] : "${p}-${c}"]]))
    error_message = "The monitoring server accepts Prometheus and Grafana from admin_cidrs, and nothing else from them."
  }

  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.monitoring_ssh_from_bastion.referenced_security_group_id == aws_security_group.bastion.id &&
      aws_vpc_security_group_ingress_rule.monitoring_ssh_from_bastion.from_port == 22 &&
      aws_vpc_security_group_egress_rule.bastion_ssh_to_monitoring.referenced_security_group_id == aws_security_group.monitoring.id &&
      aws_vpc_security_group_egress_rule.bastion_ssh_to_monitoring.to_port == 22
    )
    error_message = "The monitoring server takes SSH from the bastions' security group only, and the bastions may open it."
  }

  assert {
    condition = alltrue([
      for r in concat(values(aws_vpc_security_group_ingress_rule.bastion_ssh), values(aws_vpc_security_group_ingress_rule.monitoring_from_admins)) :
      r.cidr_ipv4 != "0.0.0.0/0"
    ])
    error_message = "No ingress rule is open to the world."
  }

  assert {
    condition     = aws_security_group.monitoring.vpc_id == "vpc-0d3fau1t000000000" && aws_security_group.bastion.vpc_id == "vpc-0a1b2c3d4e5f60718"
    error_message = "The monitoring group lives in the default VPC, the bastion group in the project VPC."
  }

  assert {
    condition     = alltrue([for r in aws_vpc_security_group_egress_rule.internet : contains([80, 443], r.from_port) && r.from_port == r.to_port])
    error_message = "Egress to the internet is HTTP(S) only."
  }
}

run "admin_cidrs_never_the_world" {
  command = plan

  module {
    source = "./modules/ec2"
  }

  variables {
    admin_cidrs = ["0.0.0.0/0"]
  }

  expect_failures = [var.admin_cidrs]
}

run "monitoring_ssh_never_from_the_admins" {
  command = plan

  module {
    source = "./modules/ec2"
  }

  variables {
    monitoring_ports = [22, 9090]
  }

  expect_failures = [var.monitoring_ports]
}

run "app_count_must_be_positive" {
  command = plan

  module {
    source = "./modules/ec2"
  }

  variables {
    app_count = 0
  }

  expect_failures = [var.app_count]
}

run "ami_id_must_be_an_ami" {
  command = plan

  module {
    source = "./modules/ec2"
  }

  variables {
    ami_id = "ubuntu-24.04"
  }

  expect_failures = [var.ami_id]
}

run "one_private_subnet_per_az" {
  command = plan

  module {
    source = "./modules/ec2"
  }

  variables {
    private_subnet_ids = ["subnet-0bbbbbbbbbbbbbbb1"]
  }

  expect_failures = [var.private_subnet_ids]
}
