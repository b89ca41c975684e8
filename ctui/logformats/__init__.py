"""Line formats of the AWS logs an incident touches besides CloudTrail: VPC Flow Logs, S3 access logs.

Textual-free and engine-free: the field lists, the key layouts AWS writes, and a reference parser in
plain Python (the demo generator and the tests hold the engines' readings against it).
"""
