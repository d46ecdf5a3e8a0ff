output "vpc_id" {
  description = "ID of the VPC."
  value       = module.vpc.vpc_id
}

output "bastions" {
  description = "One bastion per AZ: name, az, instance_id, public_ip, private_ip."
  value       = module.ec2.bastions
}

output "app_servers" {
  description = "App servers: name, az, instance_id, private_ip."
  value       = module.ec2.app_servers
}

output "monitoring" {
  description = "The monitoring server: name, az, instance_id, public_ip, private_ip."
  value       = module.ec2.monitoring
}

output "ami_id" {
  description = "AMI the instances were created from."
  value       = local.ami_id
}

output "rds_endpoint" {
  description = "Host name of the PostgreSQL instance."
  value       = module.rds.address
}

output "rds_port" {
  description = "Port of the PostgreSQL instance."
  value       = module.rds.port
}

output "rds_db_name" {
  description = "Name of the application database."
  value       = module.rds.db_name
}

output "db_master_user_secret_arn" {
  description = "Secrets Manager secret with the generated database password (aws secretsmanager get-secret-value --secret-id <arn>); null when db_master_password is used."
  value       = module.rds.master_user_secret_arn
}

output "alb_dns_name" {
  description = "DNS name of the load balancer."
  value       = module.alb.dns_name
}

output "alb_url" {
  description = "URL of the shop."
  value       = module.alb.url
}

output "inventory" {
  description = "The inventory contract (inventories/CONTRACT.md, schema 1) read by `ecomops inventory --from terraform`. Holds no secret: the database password's secret only by its ARN."
  value = {
    schema      = 1
    project     = var.project
    environment = "aws"
    region      = var.region
    ssh_user    = var.ssh_user
    bastions = [for b in module.ec2.bastions : {
      name       = b.name
      az         = b.az
      public_ip  = b.public_ip
      private_ip = b.private_ip
      ssh_port   = 22
    }]
    app_servers = [for a in module.ec2.app_servers : {
      name        = a.name
      az          = a.az
      private_ip  = a.private_ip
      instance_id = a.instance_id
    }]
    monitoring = {
      name       = module.ec2.monitoring.name
      az         = module.ec2.monitoring.az
      public_ip  = module.ec2.monitoring.public_ip
      private_ip = module.ec2.monitoring.private_ip
      ssh_port   = 22
    }
    database = {
      address             = module.rds.address
      port                = module.rds.port
      name                = module.rds.db_name
      username            = module.rds.username
      password_secret_arn = module.rds.master_user_secret_arn
    }
    load_balancer = {
      kind             = "alb"
      dns_name         = module.alb.dns_name
      url              = module.alb.url
      target_group_arn = module.alb.target_group_arn
      haproxy_socket   = null
      haproxy_backend  = null
    }
  }
}
