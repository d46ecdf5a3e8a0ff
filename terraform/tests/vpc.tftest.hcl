# Unit tests of modules/vpc with a mocked AWS provider (no network, no account).

mock_provider "aws" {
  mock_data "aws_vpc" {
    defaults = {
      id                  = "vpc-0d3fau1t000000000"
      cidr_block          = "172.31.0.0/16"
      main_route_table_id = "rtb-0d3fau1t000000000"
    }
  }
}

variables {
  name             = "wl6vpc"
  cidr             = "10.0.0.0/16"
  azs              = ["us-east-1a", "us-east-1b"]
  public_subnets   = ["10.0.1.0/24", "10.0.2.0/24"]
  private_subnets  = ["10.0.11.0/24", "10.0.12.0/24"]
  database_subnets = ["10.0.21.0/24", "10.0.22.0/24"]
  tags             = { Project = "ecommerce" }
}

run "one_subnet_per_tier_and_az" {
  command = apply

  module {
    source = "./modules/vpc"
  }

  assert {
    condition     = aws_vpc.this.tags.Name == "wl6vpc" && aws_vpc.this.cidr_block == "10.0.0.0/16"
    error_message = "The VPC keeps the seed's name wl6vpc."
  }

  assert {
    condition = (
      aws_subnet.public[*].cidr_block == ["10.0.1.0/24", "10.0.2.0/24"] &&
      aws_subnet.private[*].cidr_block == ["10.0.11.0/24", "10.0.12.0/24"] &&
      aws_subnet.database[*].cidr_block == ["10.0.21.0/24", "10.0.22.0/24"]
    )
    error_message = "Each tier has one subnet per AZ with the CIDR given for it."
  }

  assert {
    condition = alltrue([
      for tier in [aws_subnet.public, aws_subnet.private, aws_subnet.database] :
      tier[*].availability_zone == ["us-east-1a", "us-east-1b"]
    ])
    error_message = "Subnets of every tier follow the order of azs."
  }

  assert {
    condition     = alltrue([for s in aws_subnet.public : s.map_public_ip_on_launch == false])
    error_message = "Public subnets hand out no public address by themselves: only bastions get one."
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 2 && aws_nat_gateway.this[0].subnet_id == aws_subnet.public[0].id && aws_nat_gateway.this[1].subnet_id == aws_subnet.public[1].id
    error_message = "By default every AZ has its own NAT gateway in its own public subnet."
  }

  assert {
    condition     = [for r in aws_route.private_nat : r.nat_gateway_id] == aws_nat_gateway.this[*].id
    error_message = "Each private route table leaves through the NAT gateway of its own AZ."
  }

  assert {
    condition     = length(aws_route_table_association.database) == 2 && alltrue([for a in aws_route_table_association.database : a.route_table_id == aws_route_table.database.id])
    error_message = "Database subnets use their own route table."
  }

  assert {
    condition     = length([for r in concat(aws_route.private_nat, [aws_route.public_internet]) : r if r.route_table_id == aws_route_table.database.id]) == 0
    error_message = "The database route table has no route out of the VPC."
  }

  assert {
    condition     = aws_route.public_internet.gateway_id == aws_internet_gateway.this.id && aws_route.public_internet.destination_cidr_block == "0.0.0.0/0"
    error_message = "Public subnets route to the internet gateway."
  }

  assert {
    condition     = aws_vpc_peering_connection.default[0].peer_vpc_id == "vpc-0d3fau1t000000000" && aws_vpc_peering_connection.default[0].auto_accept
    error_message = "The VPC is peered with the default VPC."
  }

  assert {
    condition = (
      length(aws_route.private_to_default_vpc) == 2 &&
      alltrue([for r in aws_route.private_to_default_vpc : r.destination_cidr_block == "172.31.0.0/16"]) &&
      aws_route.public_to_default_vpc[0].destination_cidr_block == "172.31.0.0/16" &&
      aws_route.public_to_default_vpc[0].route_table_id == aws_route_table.public.id &&
      aws_route.default_vpc_to_private[0].route_table_id == "rtb-0d3fau1t000000000" &&
      aws_route.default_vpc_to_private[0].destination_cidr_block == "10.0.0.0/16"
    )
    error_message = "Both sides of the peering route to each other: private subnets (scrapes) and public ones (the bastions' SSH) to the default VPC, the default VPC's main table back."
  }

  assert {
    condition     = length(aws_default_security_group.this.ingress) == 0 && length(aws_default_security_group.this.egress) == 0
    error_message = "The default security group allows nothing."
  }

  assert {
    condition     = alltrue([for s in concat(aws_subnet.public, aws_subnet.private, aws_subnet.database) : s.tags.Project == "ecommerce" && s.tags.AZ == s.availability_zone])
    error_message = "Subnets carry the common tags and their AZ."
  }
}

run "single_nat_gateway_serves_every_az" {
  command = apply

  module {
    source = "./modules/vpc"
  }

  variables {
    azs                = ["us-east-1a", "us-east-1b", "us-east-1c"]
    public_subnets     = ["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"]
    private_subnets    = ["10.0.11.0/24", "10.0.12.0/24", "10.0.13.0/24"]
    database_subnets   = ["10.0.21.0/24", "10.0.22.0/24", "10.0.23.0/24"]
    single_nat_gateway = true
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 1 && length(aws_eip.nat) == 1
    error_message = "single_nat_gateway creates exactly one NAT gateway and one EIP."
  }

  assert {
    condition     = length(aws_route_table.private) == 3 && alltrue([for r in aws_route.private_nat : r.nat_gateway_id == aws_nat_gateway.this[0].id])
    error_message = "Every private route table (one per AZ) uses the single NAT gateway."
  }
}

run "overlapping_the_default_vpc_is_refused" {
  command = plan

  module {
    source = "./modules/vpc"
  }

  variables {
    cidr             = "172.31.0.0/16"
    public_subnets   = ["172.31.1.0/24", "172.31.2.0/24"]
    private_subnets  = ["172.31.11.0/24", "172.31.12.0/24"]
    database_subnets = ["172.31.21.0/24", "172.31.22.0/24"]
  }

  expect_failures = [aws_vpc_peering_connection.default]
}

run "one_az_is_refused" {
  command = plan

  module {
    source = "./modules/vpc"
  }

  variables {
    azs = ["us-east-1a"]
  }

  expect_failures = [var.azs]
}

run "subnet_lists_must_match_the_azs" {
  command = plan

  module {
    source = "./modules/vpc"
  }

  variables {
    private_subnets = ["10.0.11.0/24"]
  }

  expect_failures = [aws_vpc.this]
}
