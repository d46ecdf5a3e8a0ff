locals {
  by_role = {
    for role in ["bastion", "app", "monitoring"] : role => [
      for name, host in local.hosts : {
        name        = name
        az          = host.az
        instance_id = aws_instance.this[name].id
        public_ip   = host.public ? aws_eip.public[name].public_ip : null
        private_ip  = aws_instance.this[name].private_ip
      } if host.role == role
    ]
  }
}

output "bastions" {
  description = "Bastions in AZ order: name, az, instance_id, public_ip, private_ip."
  value       = local.by_role.bastion
}

output "app_servers" {
  description = "App servers: name, az, instance_id, private_ip (public_ip is null: they sit in private subnets)."
  value       = local.by_role.app
}

output "monitoring" {
  description = "The monitoring server: name, az, instance_id, public_ip, private_ip."
  value       = one(local.by_role.monitoring)
}

output "app_instance_ids" {
  description = "App server instance IDs by host name (the ALB registers them)."
  value       = { for a in local.by_role.app : a.name => a.instance_id }
}

output "bastion_security_group_id" {
  description = "Security group of the bastions."
  value       = aws_security_group.bastion.id
}

output "monitoring_security_group_id" {
  description = "Security group of the monitoring server."
  value       = aws_security_group.monitoring.id
}
