output "dns_name" {
  description = "DNS name of the load balancer."
  value       = aws_lb.this.dns_name
}

output "url" {
  description = "URL of the shop through the load balancer (https when a certificate is set)."
  value       = "${local.https ? "https" : "http"}://${aws_lb.this.dns_name}"
}

output "arn" {
  description = "ARN of the load balancer."
  value       = aws_lb.this.arn
}

output "zone_id" {
  description = "Route 53 zone of the load balancer, for an alias record."
  value       = aws_lb.this.zone_id
}

output "target_group_arn" {
  description = "ARN of the app servers' target group (rolling deploys deregister one server at a time from it)."
  value       = aws_lb_target_group.app.arn
}

output "security_group_id" {
  description = "Security group of the load balancer."
  value       = aws_security_group.this.id
}
