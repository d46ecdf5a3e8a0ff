locals {
  nat_gateway_count = var.single_nat_gateway ? 1 : length(var.azs)

  # First and last address of each range as integers, to test for overlap
  # with the default VPC (peered VPCs need distinct address ranges).
  ranges = {
    for key, cidr in merge(
      { this = var.cidr },
      var.peer_with_default_vpc ? { default = data.aws_vpc.default[0].cidr_block } : {},
      ) : key => {
      first = sum([for i, octet in split(".", cidrhost(cidr, 0)) : tonumber(octet) * pow(256, 3 - i)])
      size  = pow(2, 32 - tonumber(split("/", cidr)[1]))
    }
  }
  overlaps_default_vpc = var.peer_with_default_vpc && (
    local.ranges.this.first < local.ranges.default.first + local.ranges.default.size &&
    local.ranges.default.first < local.ranges.this.first + local.ranges.this.size
  )
}

resource "aws_vpc" "this" {
  # checkov:skip=CKV2_AWS_11:Flow logs need a destination (S3 or CloudWatch + IAM role) billed per GB; they belong to the account's central logging, not to this stack.
  cidr_block           = var.cidr
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = merge(var.tags, { Name = var.name })

  lifecycle {
    precondition {
      condition = (
        length(var.public_subnets) == length(var.azs) &&
        length(var.private_subnets) == length(var.azs) &&
        length(var.database_subnets) == length(var.azs)
      )
      error_message = "public_subnets, private_subnets and database_subnets must each hold one CIDR block per availability zone (${length(var.azs)})."
    }
  }
}

# Nothing may use the default security group: it is emptied so that an
# instance launched without an explicit group gets no traffic at all.
resource "aws_default_security_group" "this" {
  vpc_id = aws_vpc.this.id

  tags = merge(var.tags, { Name = "${var.name}-default-deny" })
}

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id

  tags = merge(var.tags, { Name = "${var.name}-igw" })
}

resource "aws_subnet" "public" {
  count = length(var.azs)

  vpc_id            = aws_vpc.this.id
  cidr_block        = var.public_subnets[count.index]
  availability_zone = var.azs[count.index]
  # Only the bastions get a public address, and they ask for it explicitly.
  map_public_ip_on_launch = false

  tags = merge(var.tags, { Name = "${var.name}-public-${var.azs[count.index]}", Tier = "public", AZ = var.azs[count.index] })
}

resource "aws_subnet" "private" {
  count = length(var.azs)

  vpc_id            = aws_vpc.this.id
  cidr_block        = var.private_subnets[count.index]
  availability_zone = var.azs[count.index]

  tags = merge(var.tags, { Name = "${var.name}-private-${var.azs[count.index]}", Tier = "private", AZ = var.azs[count.index] })
}

resource "aws_subnet" "database" {
  count = length(var.azs)

  vpc_id            = aws_vpc.this.id
  cidr_block        = var.database_subnets[count.index]
  availability_zone = var.azs[count.index]

  tags = merge(var.tags, { Name = "${var.name}-database-${var.azs[count.index]}", Tier = "database", AZ = var.azs[count.index] })
}

resource "aws_eip" "nat" {
  count = local.nat_gateway_count

  domain = "vpc"

  tags = merge(var.tags, { Name = "${var.name}-nat-${var.azs[count.index]}", AZ = var.azs[count.index] })

  depends_on = [aws_internet_gateway.this]
}

resource "aws_nat_gateway" "this" {
  count = local.nat_gateway_count

  allocation_id = aws_eip.nat[count.index].id
  subnet_id     = aws_subnet.public[count.index].id

  tags = merge(var.tags, { Name = "${var.name}-nat-${var.azs[count.index]}", AZ = var.azs[count.index] })

  depends_on = [aws_internet_gateway.this]
}

# Routes are separate aws_route resources, never inline blocks: mixing the two
# makes Terraform fight itself on every plan.
resource "aws_route_table" "public" {
  vpc_id = aws_vpc.this.id

  tags = merge(var.tags, { Name = "${var.name}-public", Tier = "public" })
}

resource "aws_route" "public_internet" {
  route_table_id         = aws_route_table.public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this.id
}

resource "aws_route_table_association" "public" {
  count = length(var.azs)

  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}

# One private route table per AZ even with a single NAT gateway, so that
# switching single_nat_gateway off only changes routes, never associations.
resource "aws_route_table" "private" {
  count = length(var.azs)

  vpc_id = aws_vpc.this.id

  tags = merge(var.tags, { Name = "${var.name}-private-${var.azs[count.index]}", Tier = "private", AZ = var.azs[count.index] })
}

resource "aws_route" "private_nat" {
  count = length(var.azs)

  route_table_id         = aws_route_table.private[count.index].id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.this[var.single_nat_gateway ? 0 : count.index].id
}

resource "aws_route_table_association" "private" {
  count = length(var.azs)

  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private[count.index].id
}

# Database subnets only talk inside the VPC: their table has the local route only.
resource "aws_route_table" "database" {
  vpc_id = aws_vpc.this.id

  tags = merge(var.tags, { Name = "${var.name}-database", Tier = "database" })
}

resource "aws_route_table_association" "database" {
  count = length(var.azs)

  subnet_id      = aws_subnet.database[count.index].id
  route_table_id = aws_route_table.database.id
}

# The app security group is created here, empty, so that every other module
# (RDS, compute, ALB) can add the rules that concern it without a cycle.
resource "aws_security_group" "app" {
  # checkov:skip=CKV2_AWS_5:False positive: the ec2 module attaches it to every app server (through a map checkov does not follow).
  name        = "${var.name}-app"
  description = "ecommerce app servers: rules are added by the modules that talk to them"
  vpc_id      = aws_vpc.this.id

  tags = merge(var.tags, { Name = "${var.name}-app" })
}

data "aws_vpc" "default" {
  count = var.peer_with_default_vpc ? 1 : 0

  default = true
}

resource "aws_vpc_peering_connection" "default" {
  count = var.peer_with_default_vpc ? 1 : 0

  vpc_id      = aws_vpc.this.id
  peer_vpc_id = data.aws_vpc.default[0].id
  auto_accept = true

  tags = merge(var.tags, { Name = "${var.name}-to-default-vpc" })

  lifecycle {
    precondition {
      condition     = !local.overlaps_default_vpc
      error_message = "cidr must not overlap the default VPC (${data.aws_vpc.default[0].cidr_block}): peered VPCs need distinct address ranges."
    }
  }
}

# The monitoring server (default VPC) scrapes the app servers (private
# subnets): both sides need a route through the peering connection.
resource "aws_route" "private_to_default_vpc" {
  count = var.peer_with_default_vpc ? length(var.azs) : 0

  route_table_id            = aws_route_table.private[count.index].id
  destination_cidr_block    = data.aws_vpc.default[0].cidr_block
  vpc_peering_connection_id = aws_vpc_peering_connection.default[0].id
}

# The bastions (public subnets) are the monitoring server's SSH jump hosts.
resource "aws_route" "public_to_default_vpc" {
  count = var.peer_with_default_vpc ? 1 : 0

  route_table_id            = aws_route_table.public.id
  destination_cidr_block    = data.aws_vpc.default[0].cidr_block
  vpc_peering_connection_id = aws_vpc_peering_connection.default[0].id
}

resource "aws_route" "default_vpc_to_private" {
  count = var.peer_with_default_vpc ? 1 : 0

  route_table_id            = data.aws_vpc.default[0].main_route_table_id
  destination_cidr_block    = var.cidr
  vpc_peering_connection_id = aws_vpc_peering_connection.default[0].id
}
