output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr_block" {
  description = "IPv4 CIDR block of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "azs" {
  description = "Availability zones of the subnets, in the order of the subnet lists."
  value       = var.azs
}

output "public_subnet_ids" {
  description = "IDs of the public subnets, one per availability zone."
  value       = aws_subnet.public[*].id

  # Elastic IPs and load balancers placed in these subnets need the route
  # to the internet gateway to exist first.
  depends_on = [aws_route.public_internet]
}

output "private_subnet_ids" {
  description = "IDs of the private subnets, one per availability zone."
  value       = aws_subnet.private[*].id
}

output "database_subnet_ids" {
  description = "IDs of the database subnets, one per availability zone."
  value       = aws_subnet.database[*].id
}

output "subnet_cidr_blocks" {
  description = "CIDR blocks of the subnets per tier (public, private, database), in AZ order."
  value = {
    public   = aws_subnet.public[*].cidr_block
    private  = aws_subnet.private[*].cidr_block
    database = aws_subnet.database[*].cidr_block
  }
}

output "nat_gateway_ids" {
  description = "IDs of the NAT gateways (one per AZ, or one in all with single_nat_gateway)."
  value       = aws_nat_gateway.this[*].id
}

output "nat_public_ips" {
  description = "Public addresses the private subnets reach the internet from (to allow-list them elsewhere)."
  value       = aws_eip.nat[*].public_ip
}

output "private_route_table_ids" {
  description = "IDs of the private route tables, one per availability zone."
  value       = aws_route_table.private[*].id
}

output "app_security_group_id" {
  description = "ID of the (initially empty) app servers' security group."
  value       = aws_security_group.app.id
}

output "default_vpc_id" {
  description = "ID of the peered default VPC (null without peering)."
  value       = var.peer_with_default_vpc ? data.aws_vpc.default[0].id : null
}

output "default_vpc_cidr_block" {
  description = "IPv4 CIDR block of the peered default VPC (null without peering)."
  value       = var.peer_with_default_vpc ? data.aws_vpc.default[0].cidr_block : null
}

output "peering_connection_id" {
  description = "ID of the peering connection with the default VPC (null without peering)."
  value       = var.peer_with_default_vpc ? aws_vpc_peering_connection.default[0].id : null
}
